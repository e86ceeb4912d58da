import BlurdCore
import CFFmpeg

/// Demuxes and decodes the best video stream of any FFmpeg input and delivers sampled frames as
/// luma at the analysis size.
///
/// Not thread-safe except `interrupt()`: one thread reads frames, any thread may interrupt.
public final class VideoSource {
    public let options: VideoSourceOptions
    public let info: StreamInfo
    /// The audio stream passed through, when `options.copyAudio` is set and the input has one.
    public let audioStream: CopiedStream?
    /// Receives each packet of `audioStream` as it is read, on the thread calling `nextFrame`.
    public var audioPacketHandler: ((MediaPacket) -> Void)?

    private let interruptState: InputInterrupt
    private let decoding: DecodeLoop
    /// Made on the first `nextFrame(into:fullFrame:)`.
    private var fullFrameScaler: FrameScaler?

    public var stats: DecodeStats { decoding.stats }

    /// Opens `options.url`. `interrupt`, when given, can end the opening itself early (the
    /// initializer then throws); `interrupt()` requests it later on.
    public init(options: VideoSourceOptions, interrupt: InputInterrupt = InputInterrupt()) throws {
        FFmpegLog.installDefault()
        try options.validate()
        self.options = options
        interruptState = interrupt
        let input = try MediaInput(options: options, interrupt: interrupt)
        info = input.info
        audioStream = input.audioStream
        decoding = try DecodeLoop(input: input, options: options, interrupt: interrupt)
    }

    /// Makes a blocked read return promptly; `nextFrame` then delivers what the decoder already
    /// holds and returns nil. Safe to call from any thread (e.g. a SIGTERM handler's queue).
    public func interrupt() {
        interruptState.request()
    }

    /// Decodes until the next frame that passes sampling and writes its luma (analysis size) into
    /// `luma`, reusing the array's storage when the size matches. Returns nil at the end of the
    /// stream; corrupt packets and damaged frames are skipped and counted, and a truncated file
    /// yields every decodable frame and then nil.
    public func nextFrame(into luma: inout GrayImage) throws -> FrameMeta? {
        try decoding.nextFrame(into: &luma, audioHandler: audioPacketHandler) { _ in }
    }

    /// Like `nextFrame(into:)`, and also writes the frame at full resolution into `fullFrame`
    /// (reusing its storage), at `StreamInfo.fullFrameWidth`×`fullFrameHeight`: an odd side is
    /// scaled to the even size below it (721×405 → 720×404: a squeeze of one column or row), as
    /// 4:2:0 needs even sizes.
    public func nextFrame(into luma: inout GrayImage, fullFrame: inout YUV420Image) throws -> FrameMeta? {
        try decoding.nextFrame(into: &luma, audioHandler: audioPacketHandler) { frame in
            let width = info.fullFrameWidth, height = info.fullFrameHeight
            let scaler = fullFrameScaler
                ?? FrameScaler(targetWidth: width, targetHeight: height, targetFormat: AV_PIX_FMT_YUV420P,
                               logLabel: options.logLabel)
            fullFrameScaler = scaler
            if fullFrame.width != width || fullFrame.height != height {
                fullFrame = YUV420Image(width: width, height: height)
            }
            try fullFrame.y.withUnsafeMutableBufferPointer { y in
                try fullFrame.u.withUnsafeMutableBufferPointer { u in
                    try fullFrame.v.withUnsafeMutableBufferPointer { v in
                        try scaler.convert(frame, y: y.baseAddress!, u: u.baseAddress!, v: v.baseAddress!)
                    }
                }
            }
        }
    }
}
