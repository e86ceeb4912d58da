/// The selected video stream, as probed when the source opened.
public struct StreamInfo: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Average (or guessed) frame rate; nil when the container does not say.
    public var frameRate: Double?
    /// The same rate exactly (30000/1001, not 29.97…), for timecodes and output streams.
    public var exactFrameRate: MediaRational?
    /// The unit of the stream's timestamps; `FrameMeta.pts` is an exact multiple of it.
    public var timeBase: MediaRational
    /// nil for live inputs and containers without a duration.
    public var durationSeconds: Double?
    public var codecName: String
    /// A network protocol, a pipe or a device: no end is expected and reads may block.
    public var isLive: Bool
    /// Size of the luma images `VideoSource.nextFrame` delivers.
    public var analysisWidth: Int
    public var analysisHeight: Int
    /// The source's start timecode as FFmpeg gives its `timecode` tag (`HH:MM:SS:FF`, `;` or
    /// `.` before the frames for drop-frame): from the video stream, else the container, else a
    /// data stream (a QuickTime/MP4 tmcd track); nil when it has none. The timecode of frame 0.
    public var startTimecode: String? = nil

    /// Size of the full-resolution pictures (`VideoSource.nextFrame(into:fullFrame:)`): the
    /// stream's, rounded down to even, as 4:2:0 needs.
    public var fullFrameWidth: Int { max(2, width & ~1) }
    public var fullFrameHeight: Int { max(2, height & ~1) }

    /// The analysis size for a `width`×`height` stream: downscaled (never upscaled) so the long
    /// side is `longSide`, aspect kept, both sides even.
    static func analysisSize(width: Int, height: Int, longSide: Int?) -> (width: Int, height: Int) {
        let long = max(width, height)
        guard let longSide, long > longSide else { return (width, height) }
        let scale = Double(longSide) / Double(long)
        func even(_ value: Int) -> Int { max(2, Int((Double(value) * scale / 2).rounded()) * 2) }
        return (even(width), even(height))
    }
}
