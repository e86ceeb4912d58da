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

    public func validate() throws {
        guard every >= 1 else { throw MediaError.invalidOption("every must be at least 1, got \(every)") }
        if let fps, !(fps > 0) { throw MediaError.invalidOption("fps must be positive, got \(fps)") }
        if let start, !(start >= 0) { throw MediaError.invalidOption("start must be >= 0, got \(start)") }
        if let duration, !(duration > 0) { throw MediaError.invalidOption("duration must be positive, got \(duration)") }
        if let side = analysisLongSide, side < Self.minimumAnalysisLongSide {
            throw MediaError.invalidOption("analysis size must be at least \(Self.minimumAnalysisLongSide), got \(side)")
        }
        guard decoderThreads >= 0 else { throw MediaError.invalidOption("decoder threads must be >= 0, got \(decoderThreads)") }
        guard timeoutSeconds > 0 else { throw MediaError.invalidOption("timeout must be positive, got \(timeoutSeconds)") }
    }
}
