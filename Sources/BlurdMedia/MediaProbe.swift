import CFFmpeg
import Foundation

/// What a file is by its content, before anything opens it: a cheap test for a batch that walks
/// folders of mixed files. Only libavformat's content probes vote (the file name is hidden from
/// them), so a renamed clip is found and random bytes named `.mp4` are not.
public enum MediaProbe {
    /// The verdict on one file.
    public enum Kind: Sendable, Equatable {
        /// A container or stream format that can hold video (opening it may still fail).
        case media(format: String)
        /// A still-image format (an image pipe demuxer): a picture, not a clip.
        case image(format: String)
        /// No format recognises the content: text, random bytes, an empty file.
        case notMedia
    }

    /// Bytes probed first, then at most: FFmpeg's own probing grows the same way, and a format
    /// recognised in the first block is not read further.
    static let probeSizes = [64 << 10, 1 << 20]

    /// A probe score above this is a match, as in the first passes of FFmpeg's own probing
    /// (AVPROBE_SCORE_RETRY); weaker scores are what random bytes reach by chance.
    static let minimumScore: Int32 = 25

    /// Probes the file at `path`; throws `MediaError.fileNotFound` or `.ioError` when it
    /// cannot be read.
    public static func kind(ofFileAt path: String) throws -> Kind {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            if !FileManager.default.fileExists(atPath: path) { throw MediaError.fileNotFound(path) }
            throw MediaError.ioError("cannot read \(path)")
        }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        for size in probeSizes {
            let requested = size - bytes.count
            let more: Data
            do {
                more = try handle.read(upToCount: requested) ?? Data()
            } catch {
                throw MediaError.ioError("cannot read \(path): \(error.localizedDescription)")
            }
            bytes += more
            if bytes.isEmpty { return .notMedia }
            if let format = probe(bytes) { return classify(format) }
            // The whole file was seen: more bytes cannot change the verdict.
            if more.count < requested { break }
        }
        return .notMedia
    }

    /// The name of the format whose content probe claims `bytes`, or nil.
    static func probe(_ bytes: [UInt8]) -> String? {
        // libavformat's probes may read AVPROBE_PADDING_SIZE bytes past the end, which must be 0.
        var padded = bytes + [UInt8](repeating: 0, count: Int(AVPROBE_PADDING_SIZE))
        return padded.withUnsafeMutableBufferPointer { buffer -> String? in
            "".withCString { emptyName in
                var data = AVProbeData()
                data.filename = emptyName
                data.buf = buffer.baseAddress
                data.buf_size = Int32(bytes.count)
                var score: Int32 = 0
                guard let format = av_probe_input_format3(&data, 1, &score), score > minimumScore else { return nil }
                return String(cString: format.pointee.name)
            }
        }
    }

    private static func classify(_ format: String) -> Kind {
        // The tty demuxer renders text as video; it is no footage.
        if format == "tty" { return .notMedia }
        if format.hasSuffix("_pipe") || format == "image2" { return .image(format: format) }
        return .media(format: format)
    }
}
