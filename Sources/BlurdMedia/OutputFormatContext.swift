import CFFmpeg

/// An output (muxer) context and the file it writes, both labelled for the log: when the owner
/// goes, the file is closed (avio_closep, which avformat_free_context would leave open) and the
/// context freed (avformat_free_context), their labels forgotten, so no failure path of
/// `VideoWriter` releases them by hand. Keep the owner, not just `pointer`, while FFmpeg uses it.
final class OutputFormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    private let logLabel: String?
    /// Whether `openFile` opened `pointer.pointee.pb`.
    private var ownsFile = false

    /// A context for writing `path` in `format` (nil = guessed from the extension).
    init(path: String, format: String?, logLabel: String?) throws {
        var context: UnsafeMutablePointer<AVFormatContext>?
        let status = avformat_alloc_output_context2(&context, nil, format, path)
        guard status >= 0, let context else {
            throw MediaError.encodeFailed("no output format for \(path): \(ffmpegErrorString(status))")
        }
        pointer = context
        self.logLabel = logLabel
        FFmpegLogLabels.shared.register(UnsafeMutableRawPointer(context), label: logLabel)
    }

    deinit {
        if ownsFile {
            FFmpegLogLabels.shared.unregister(UnsafeMutableRawPointer(pointer.pointee.pb))
            avio_closep(&pointer.pointee.pb)
        }
        FFmpegLogLabels.shared.unregister(UnsafeMutableRawPointer(pointer))
        avformat_free_context(pointer)
    }

    /// Creates `path` as the context's output, for formats that write a file (not AVFMT_NOFILE).
    func openFile(_ path: String) throws {
        let status = avio_open(&pointer.pointee.pb, path, AVIO_FLAG_WRITE)
        guard status >= 0 else {
            throw MediaError.encodeFailed("cannot create \(path): \(ffmpegErrorString(status))")
        }
        ownsFile = true
        FFmpegLogLabels.shared.register(UnsafeMutableRawPointer(pointer.pointee.pb), label: logLabel)
    }
}
