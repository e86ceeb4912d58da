import BlurdAnalysis
import BlurdCore
import BlurdMedia
import BlurdOutput
import Foundation

/// The picture of the frame that raised a focus_lost or no_texture event, as a JPEG: the
/// analysed luma (at the analysis size, in grey) with the blur overlay, score panel and the
/// event's wall-clock time (UTC) drawn by `FrameAnnotator`, as in annotated recordings.
enum ProblemSnapshot {
    static func jpeg(luma: GrayImage, analysis: FrameAnalysis, at time: Date) throws -> [UInt8] {
        // 4:2:0 needs even sizes: the last odd row or column is left out.
        let width = luma.width & ~1, height = luma.height & ~1
        guard width >= 2, height >= 2 else {
            throw MediaError.encodeFailed("cannot make a snapshot of a \(luma.width)x\(luma.height) frame")
        }
        var picture = YUV420Image(width: width, height: height)
        for row in 0..<height {
            picture.y[(row * width)..<(row * width + width)] = luma.pixels[(row * luma.width)..<(row * luma.width + width)]
        }
        FrameAnnotator(width: width, height: height).annotate(&picture, analysis: analysis, timecode: timecode(time))
        return try JPEGEncoding.encode(picture)
    }

    /// "2026-12-02T12:34:56": the characters the annotation font has.
    private static func timecode(_ time: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return formatter.string(from: time)
    }
}
