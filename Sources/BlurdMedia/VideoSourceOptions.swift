/// What to open and which frames to deliver.
public struct VideoSourceOptions: Sendable {
    /// A file path, rtsp://, http(s)://, udp://, "pipe:0", or a device with `format`.
    public var url: String
    /// Forces an input format ("mpegts", "v4l2", …); nil = probe.
    public var format: String? = nil
    /// Luma is downscaled so its long side is this (aspect kept, even sizes); smaller inputs and nil
    /// keep the full resolution.
    public var analysisLongSide: Int? = 640
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

    public init(url: String) {
        self.url = url
    }

    func validate() throws {
        guard every >= 1 else { throw MediaError.invalidOption("every must be at least 1, got \(every)") }
        if let fps, !(fps > 0) { throw MediaError.invalidOption("fps must be positive, got \(fps)") }
        if let start, !(start >= 0) { throw MediaError.invalidOption("start must be >= 0, got \(start)") }
        if let duration, !(duration > 0) { throw MediaError.invalidOption("duration must be positive, got \(duration)") }
        if let side = analysisLongSide, side < 2 { throw MediaError.invalidOption("analysis size must be at least 2, got \(side)") }
        guard decoderThreads >= 0 else { throw MediaError.invalidOption("decoder threads must be >= 0, got \(decoderThreads)") }
        guard timeoutSeconds > 0 else { throw MediaError.invalidOption("timeout must be positive, got \(timeoutSeconds)") }
    }
}
