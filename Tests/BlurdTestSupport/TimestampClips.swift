import Foundation

/// MPEG-TS clips of ffmpeg's `testsrc2` pattern whose timestamps start where a test needs them
/// (near the 33-bit wrap, an hour on, back at the start), made by the ffmpeg CLI, so blurd
/// reads timestamps it did not write itself.
public enum TimestampClips {
    /// Seconds at which MPEG-TS timestamps (33 bits at 90 kHz) wrap.
    public static let wrapSeconds = Double(1 << 33) / 90000

    /// Encodes `frames` frames at 25 fps (MPEG-2, a key frame every 12) as MPEG-TS into `path`;
    /// the timestamps start `offset` seconds later than ffmpeg's default (`-output_ts_offset`),
    /// `filter` (e.g. a blur over part of the clip) applies when given, and with `audio` the clip
    /// carries as long a 440 Hz tone (MP2, 48 kHz) on the same clock.
    @discardableResult
    public static func make(at path: String, frames: Int, offset: Double = 0, width: Int = 320, height: Int = 240,
                            filter: String? = nil, audio: Bool = false) throws -> String {
        let tone = audio ? ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(Double(frames) / 25)"]
            : []
        try ExternalTool.output("ffmpeg", ["-nostdin", "-v", "error", "-y", "-f", "lavfi",
                                           "-i", "testsrc2=size=\(width)x\(height):rate=25"] + tone
            + (filter.map { ["-vf", $0] } ?? [])
            + ["-frames:v", String(frames), "-c:v", "mpeg2video", "-g", "12"]
            + (audio ? ["-c:a", "mp2"] : [])
            + ["-output_ts_offset", String(offset), "-f", "mpegts", path])
        return path
    }

    /// The files one after another in one byte stream, as a live source that restarted, jumped
    /// or wrapped in place would send them.
    public static func concatenated(_ paths: [String]) throws -> Data {
        try paths.reduce(into: Data()) { $0.append(try Data(contentsOf: URL(fileURLWithPath: $1))) }
    }
}
