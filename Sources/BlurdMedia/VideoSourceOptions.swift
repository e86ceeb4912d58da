import BlurdCore

/// What to open and which frames to deliver.
public struct VideoSourceOptions: Sendable, Equatable {
    /// A file path, rtsp://, http(s)://, udp://, "pipe:0", or a device with `format`.
    public var url: String
    /// Forces an input format ("mpegts", "v4l2", …); nil = probe.
    public var format: String? = nil
    /// Luma is downscaled so its long side is this (aspect kept, even sizes); smaller inputs and nil
    /// keep the full resolution.
    public var analysisLongSide: Int? = VideoSourceOptions.defaultAnalysisLongSide
    /// Seek to this many seconds (after the stream start) before decoding.
    public var start: Double? = nil
    /// Stop after this many seconds of pts past `start`.
    public var duration: Double? = nil
    /// Keep every Nth frame of the selected time range.
    public var every: Int = 1
    /// Keep frames so the delivered rate is at most this (by pts).
    public var fps: Double? = nil
    /// Decode key frames only (`skip_frame = AVDISCARD_NONKEY`): cheap watching of many cameras.
    public var keyframesOnly: Bool = false
    /// Decoder threads; 0 = libavcodec's automatic choice (frame and slice threads).
    public var decoderThreads: Int = 0
    /// Open and read timeout for every blocking call, in seconds.
    public var timeoutSeconds: Double = 10
    /// Keep the best audio stream's packets for pass-through (`VideoSource.audioPacketHandler`)
    /// instead of discarding them in the demuxer.
    public var copyAudio: Bool = false
    /// Names the stream in libav*'s log messages about it (`stream` metadata, see `FFmpegLog`);
    /// nil = unnamed.
    public var logLabel: String? = nil

    /// The analysis size of every command and config that does not set one: the CNN's speed and
    /// its training scale (docs/MODEL.md).
    public static let defaultAnalysisLongSide = 640
    /// The smallest analysis size: the net's receptive field and the texture gate's cells need
    /// at least this many pixels.
    public static let minimumAnalysisLongSide = 16

    public init(url: String) {
        self.url = url
    }

    /// Whether the URL alone names a live input: a network protocol, a pipe (`pipe:N`, a FIFO),
    /// or a device. What a caller knows before the input opens, or when opening failed; an
    /// opened input's `StreamInfo.isLive` is the final answer (a format without a file is live too).
    public var namesLiveInput: Bool {
        url.hasPrefix("pipe:") || url.hasPrefix("/dev/") || (url.contains("://") && !url.hasPrefix("file://"))
            || PipeInput.isFIFOPath(url)
    }

    /// Seconds of `timeoutSeconds`: a day covers any camera's silence worth waiting for, and
    /// keeps the microseconds handed to FFmpeg far inside Int64.
    public static let timeoutRange = ValueRange<Double>(above: 0, through: 86_400)
    /// Seconds of `start`: ten years of stream time, far beyond any recording, whose time-base
    /// units still fit Int64 at nanosecond time bases.
    public static let startRange = ValueRange<Double>(0...315_576_000)
    /// Seconds of `duration`, like `startRange`.
    public static let durationRange = ValueRange<Double>(above: 0, through: 315_576_000)
    /// Frames per second of `fps`: beyond any camera's or file's rate.
    public static let fpsRange = ValueRange<Double>(above: 0, through: 1000)
    /// `every`: one frame in a million is a frame every few hours at 60 fps.
    public static let everyRange = ValueRange<Int>(1...1_000_000)
    /// `analysisLongSide` in pixels: 16K video at full resolution at most.
    public static let analysisLongSideRange = ValueRange<Int>(minimumAnalysisLongSide...16_384)
    /// `decoderThreads`: libavcodec caps its own threads far lower.
    public static let decoderThreadsRange = ValueRange<Int>(0...256)

    /// Throws `MediaError.invalidOption` for the first value outside its range.
    public func validate() throws {
        let problem = Self.everyRange.problem("every", every)
            ?? fps.flatMap { Self.fpsRange.problem("fps", $0) }
            ?? start.flatMap { Self.startRange.problem("start (seconds)", $0) }
            ?? duration.flatMap { Self.durationRange.problem("duration (seconds)", $0) }
            ?? analysisLongSide.flatMap { Self.analysisLongSideRange.problem("analysis size", $0) }
            ?? Self.decoderThreadsRange.problem("decoder threads", decoderThreads)
            ?? Self.timeoutRange.problem("timeout (seconds)", timeoutSeconds)
        if let problem { throw MediaError.invalidOption(problem) }
    }
}
