import BlurdCore
import CFFmpeg
import Foundation

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

    private var formatContext: UnsafeMutablePointer<AVFormatContext>?
    private var codecContext: UnsafeMutablePointer<AVCodecContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private let interruptState: InputInterrupt
    /// The reader of a `pipe:` input; freed after `formatContext`, which reads through it.
    private let pipeInput: PipeInput?
    private let streamIndex: Int32
    private let timeBase: Double
    private let streamStart: Int64
    private let scaler: FrameScaler
    /// Made on the first `nextFrame(into:fullFrame:)`.
    private var fullFrameScaler: FrameScaler?
    private let audioIndex: Int32
    /// The video stream's start in the audio time base, subtracted from audio timestamps.
    private let audioShift: Int64
    private var sampler: FrameSampler
    private var statistics = DecodeStats()
    private var nextIndex = 0
    private var indexAnchored: Bool
    private var lastPts: Double?
    private var flushSent = false
    private var finished = false
    private var consecutiveReadErrors = 0

    /// Read errors in a row after which a damaged file is treated as ended.
    private static let maxConsecutiveReadErrors = 1000

    public var stats: DecodeStats { statistics }

    /// Opens `options.url`. `interrupt`, when given, can end the opening itself early (the
    /// initializer then throws); `interrupt()` requests it later on.
    public init(options: VideoSourceOptions, interrupt: InputInterrupt = InputInterrupt()) throws {
        FFmpegLog.installDefault()
        try options.validate()
        self.options = options
        interruptState = interrupt
        let pipeInput = try PipeInput.reader(for: options.url, interrupt: interrupt, logLabel: options.logLabel)
        self.pipeInput = pipeInput

        // Until both contexts are open, failures clean up here; afterwards deinit owns them.
        var opened = false
        // Opening logs through contexts libav* makes itself (the connection, probing decoders).
        let formatContext = try FFmpegLogLabels.$callerLabel.withValue(options.logLabel) {
            try Self.openInput(options, interrupt: interrupt, pipeInput: pipeInput)
        }
        var formatOwner: UnsafeMutablePointer<AVFormatContext>? = formatContext
        defer {
            if !opened {
                FFmpegLogLabels.shared.closeInput(&formatOwner)
            }
        }

        let (codecContext, index) = try FFmpegLogLabels.$callerLabel.withValue(options.logLabel) {
            try Self.openDecoder(formatContext, options)
        }
        opened = true
        self.formatContext = formatContext
        self.codecContext = codecContext
        streamIndex = index

        let stream = formatContext.pointee.streams[Int(index)]!
        timeBase = av_q2d(stream.pointee.time_base)
        streamStart = stream.pointee.start_time == blurd_nopts_value() ? 0 : stream.pointee.start_time
        let width = Int(codecContext.pointee.width), height = Int(codecContext.pointee.height)
        let analysis = StreamInfo.analysisSize(width: width, height: height, longSide: options.analysisLongSide)
        let guessedRate = av_guess_frame_rate(formatContext, stream, nil)
        var duration: Double?
        if stream.pointee.duration != blurd_nopts_value(), stream.pointee.duration > 0 {
            duration = Double(stream.pointee.duration) * timeBase
        } else if formatContext.pointee.duration != blurd_nopts_value(), formatContext.pointee.duration > 0 {
            duration = Double(formatContext.pointee.duration) / Double(AV_TIME_BASE)
        }
        let isLive = pipeInput != nil || Self.isLive(options, formatContext)
        let hasRate = guessedRate.num > 0 && guessedRate.den > 0
        info = StreamInfo(width: width, height: height,
                          frameRate: hasRate ? av_q2d(guessedRate) : nil,
                          exactFrameRate: hasRate ? MediaRational(guessedRate.num, guessedRate.den) : nil,
                          timeBase: MediaRational(stream.pointee.time_base.num, stream.pointee.time_base.den),
                          durationSeconds: isLive ? nil : duration,
                          codecName: String(cString: avcodec_get_name(codecContext.pointee.codec_id)),
                          isLive: isLive, analysisWidth: analysis.width, analysisHeight: analysis.height)
        scaler = FrameScaler(targetWidth: analysis.width, targetHeight: analysis.height, targetFormat: AV_PIX_FMT_GRAY8,
                             logLabel: options.logLabel)
        sampler = FrameSampler(start: options.start, duration: options.duration, every: options.every, fps: options.fps)
        indexAnchored = (options.start ?? 0) == 0
        (audioStream, audioIndex, audioShift) = Self.selectAudio(formatContext, videoIndex: index,
                                                                     videoStart: streamStart, options)

        packet = av_packet_alloc()
        frame = av_frame_alloc()
        guard packet != nil, frame != nil else {
            throw MediaError.ioError("out of memory allocating a packet")
        }
        if let start = options.start, start > 0 { seek(to: start) }
    }

    deinit {
        release()
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
        try nextFrame(into: &luma) { _ in }
    }

    /// Like `nextFrame(into:)`, and also writes the frame at full resolution into `fullFrame`
    /// (reusing its storage). An odd side is scaled to the even size below
    /// it (721×405 → 720×404: a squeeze of one column or row), as 4:2:0 needs even sizes.
    public func nextFrame(into luma: inout GrayImage, fullFrame: inout YUV420Image) throws -> FrameMeta? {
        try nextFrame(into: &luma) { frame in
            let width = max(2, info.width & ~1), height = max(2, info.height & ~1)
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

    private func nextFrame(into luma: inout GrayImage,
                           keep: (UnsafeMutablePointer<AVFrame>) throws -> Void) throws -> FrameMeta? {
        guard let codecContext, let frame else { return nil }
        while !finished {
            let status = avcodec_receive_frame(codecContext, frame)
            if status >= 0 {
                defer { av_frame_unref(frame) }
                if let meta = try deliver(frame, into: &luma) {
                    try keep(frame)
                    return meta
                }
                continue
            }
            if status == blurd_averror_eof() {
                finished = true
            } else if status == blurd_averror_eagain() {
                if flushSent { finished = true } else { try feedDecoder() }
            } else {
                // A damaged frame inside a frame-threaded decoder surfaces here; the next call moves on.
                statistics.decodeErrors += 1
                if !flushSent { try feedDecoder() }
            }
        }
        return nil
    }

    // MARK: Decoding

    private func deliver(_ frame: UnsafeMutablePointer<AVFrame>, into luma: inout GrayImage) throws -> FrameMeta? {
        statistics.framesDecoded += 1
        let pts: Double
        let timestamp = frame.pointee.best_effort_timestamp
        if timestamp != blurd_nopts_value() {
            pts = Double(timestamp - streamStart) * timeBase
        } else {
            pts = lastPts.map { $0 + 1 / (info.frameRate ?? 25) } ?? 0
        }
        lastPts = pts
        if !indexAnchored {
            indexAnchored = true
            nextIndex = info.frameRate.map { Int((pts * $0).rounded()) } ?? 0
        }
        let index = nextIndex
        nextIndex += 1

        if frame.pointee.decode_error_flags != 0 || (frame.pointee.flags & blurd_frame_flag_corrupt()) != 0 {
            statistics.decodeErrors += 1
            return nil
        }
        switch sampler.decide(pts: pts) {
        case .skip:
            return nil
        case .stop:
            finished = true
            return nil
        case .keep:
            break
        }
        if luma.width != info.analysisWidth || luma.height != info.analysisHeight {
            luma = GrayImage(width: info.analysisWidth, height: info.analysisHeight)
        }
        try luma.pixels.withUnsafeMutableBufferPointer { try scaler.convert(frame, into: $0.baseAddress!) }
        statistics.framesDelivered += 1
        return FrameMeta(index: index, pts: pts, isKeyframe: frame.pointee.key_frame != 0)
    }

    /// Reads one packet and sends it to the decoder; at the end of input, starts the flush.
    private func feedDecoder() throws {
        guard let formatContext, let codecContext, let packet else { return }
        interruptState.arm(seconds: options.timeoutSeconds)
        let status = FFmpegLogLabels.$callerLabel.withValue(options.logLabel) { av_read_frame(formatContext, packet) }
        interruptState.disarm()
        if status < 0 {
            try handleReadError(status, formatContext)
            return
        }
        defer { av_packet_unref(packet) }
        consecutiveReadErrors = 0
        if packet.pointee.stream_index == audioIndex, let audioStream, let audioPacketHandler {
            audioPacketHandler(try MediaPacket(referencing: packet, timeBase: audioStream.timeBase, shift: audioShift))
            return
        }
        guard packet.pointee.stream_index == streamIndex else { return }
        if (packet.pointee.flags & AV_PKT_FLAG_CORRUPT) != 0 {
            // The demuxer saw damage (e.g. MPEG-TS continuity errors); the decoder still conceals
            // what it can, and frames it cannot repair are flagged and skipped in deliver().
            statistics.corruptPackets += 1
        }
        let sendStatus = avcodec_send_packet(codecContext, packet)
        if sendStatus == blurd_averror(ENOMEM) {
            throw MediaError.ioError("out of memory decoding \(options.url)")
        }
        if sendStatus < 0 && sendStatus != blurd_averror_eagain() {
            statistics.corruptPackets += 1
        }
    }

    private func handleReadError(_ status: Int32, _ formatContext: UnsafeMutablePointer<AVFormatContext>) throws {
        if interruptState.isRequested || status == blurd_averror_eof() {
            sendFlush()
        } else if status == blurd_averror_eagain() {
            return
        } else if status == blurd_averror_exit() {
            throw MediaError.ioError("no data from \(options.url) for \(options.timeoutSeconds) s")
        } else if let io = formatContext.pointee.pb, avio_feof(io) != 0 {
            sendFlush()
        } else if status == blurd_averror_invaliddata() {
            statistics.corruptPackets += 1
            consecutiveReadErrors += 1
            if consecutiveReadErrors >= Self.maxConsecutiveReadErrors { sendFlush() }
        } else if info.isLive {
            throw MediaError.ioError("reading \(options.url): \(ffmpegErrorString(status))")
        } else {
            // A damaged or cut file: deliver what was decodable and end.
            sendFlush()
        }
    }

    private func sendFlush() {
        guard !flushSent, let codecContext else { return }
        flushSent = true
        let status = avcodec_send_packet(codecContext, nil)
        if status < 0 { finished = true }
    }

    /// Seeks to the key frame at or before `seconds`; frames before it are then dropped by the
    /// sampler. Inputs that cannot seek (pipes, live) are decoded from the start instead.
    private func seek(to seconds: Double) {
        guard let formatContext else { return }
        let target = streamStart + Int64(seconds / timeBase)
        interruptState.arm(seconds: options.timeoutSeconds)
        let status = FFmpegLogLabels.$callerLabel.withValue(options.logLabel) {
            avformat_seek_file(formatContext, streamIndex, Int64.min, target, target, 0)
        }
        interruptState.disarm()
        if status < 0 {
            indexAnchored = true
        }
    }

    private func release() {
        av_packet_free(&packet)
        av_frame_free(&frame)
        FFmpegLogLabels.shared.freeCodecContext(&codecContext)
        FFmpegLogLabels.shared.closeInput(&formatContext)
    }

    // MARK: Opening

    private static func openInput(_ options: VideoSourceOptions, interrupt: InputInterrupt,
                                  pipeInput: PipeInput?) throws -> UnsafeMutablePointer<AVFormatContext> {
        let url = options.url
        let timeoutMicroseconds = Int64(options.timeoutSeconds * 1_000_000)
        if isPlainPath(url), !FileManager.default.fileExists(atPath: url) {
            throw MediaError.fileNotFound(url)
        }
        var inputFormat: UnsafePointer<AVInputFormat>?
        // A V4L2 device node is not probed by content: name its demuxer unless the caller did.
        if let name = options.format ?? (url.hasPrefix("/dev/video") ? "v4l2" : nil) {
            guard let found = av_find_input_format(name) else {
                throw MediaError.openFailed(url: url, reason: "unknown input format \(name)")
            }
            inputFormat = found
        }
        guard var context = avformat_alloc_context() else {
            throw MediaError.openFailed(url: url, reason: "out of memory")
        }
        FFmpegLogLabels.shared.register(UnsafeMutableRawPointer(context), label: options.logLabel)
        context.pointee.interrupt_callback = interrupt.callback
        // A custom context is kept by avformat_close_input; `pipeInput` frees it.
        if let pipeInput { context.pointee.pb = pipeInput.context }

        var dictionary: OpaquePointer?
        defer { av_dict_free(&dictionary) }
        if url.hasPrefix("rtsp://") || url.hasPrefix("rtsps://") {
            av_dict_set(&dictionary, "rtsp_transport", "tcp", 0)
            av_dict_set(&dictionary, "timeout", String(timeoutMicroseconds), 0)
        } else if url.contains("://") {
            av_dict_set(&dictionary, "rw_timeout", String(timeoutMicroseconds), 0)
        }

        interrupt.arm(seconds: options.timeoutSeconds)
        var contextOrNil: UnsafeMutablePointer<AVFormatContext>? = context
        var status = avformat_open_input(&contextOrNil, url, inputFormat, &dictionary)
        interrupt.disarm()
        guard status >= 0, let openedContext = contextOrNil else {
            // avformat_open_input frees the context on failure.
            FFmpegLogLabels.shared.unregisterFreed(UnsafeMutableRawPointer(context), label: options.logLabel)
            if status == blurd_averror(ENOENT) { throw MediaError.fileNotFound(url) }
            if interrupt.isRequested {
                throw MediaError.openFailed(url: url, reason: "stopped before the input opened")
            }
            if status == blurd_averror_exit() {
                throw MediaError.openFailed(url: url, reason: "timed out after \(options.timeoutSeconds) s")
            }
            throw MediaError.openFailed(url: url, reason: ffmpegErrorString(status))
        }
        context = openedContext
        // The tty demuxer claims any .txt/.nfo file by extension and renders it as ANSI-art video;
        // for a blur detector a text file is a wrong input, not a video.
        if options.format == nil, let probed = context.pointee.iformat, String(cString: probed.pointee.name) == "tty" {
            FFmpegLogLabels.shared.closeInput(&contextOrNil)
            throw MediaError.openFailed(url: url, reason: "a text file, not a video (force a format to read it anyway)")
        }

        interrupt.arm(seconds: options.timeoutSeconds)
        status = avformat_find_stream_info(context, nil)
        interrupt.disarm()
        guard status >= 0 else {
            FFmpegLogLabels.shared.closeInput(&contextOrNil)
            if interrupt.isRequested {
                throw MediaError.openFailed(url: url, reason: "stopped before the input opened")
            }
            throw MediaError.openFailed(url: url, reason: "cannot read stream information: \(ffmpegErrorString(status))")
        }
        return context
    }

    private static func openDecoder(_ formatContext: UnsafeMutablePointer<AVFormatContext>,
                                    _ options: VideoSourceOptions) throws -> (UnsafeMutablePointer<AVCodecContext>, Int32) {
        var decoder: UnsafePointer<AVCodec>?
        let index = av_find_best_stream(formatContext, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
        if index == blurd_averror_stream_not_found() {
            throw MediaError.noVideoStream(options.url)
        }
        if index == blurd_averror_decoder_not_found() {
            let name = firstVideoCodecName(formatContext) ?? "unknown"
            throw MediaError.unsupportedCodec("no decoder for \(name) in \(options.url)")
        }
        guard index >= 0, let decoder else {
            throw MediaError.openFailed(url: options.url, reason: "cannot select a video stream: \(ffmpegErrorString(index))")
        }
        let stream = formatContext.pointee.streams[Int(index)]!
        // Let the demuxer drop every other stream's packets early.
        for other in 0..<Int(formatContext.pointee.nb_streams) where other != Int(index) {
            formatContext.pointee.streams[other]!.pointee.discard = AVDISCARD_ALL
        }
        guard let context = avcodec_alloc_context3(decoder) else {
            throw MediaError.ioError("out of memory allocating a decoder")
        }
        FFmpegLogLabels.shared.register(codec: context, label: options.logLabel)
        var opened = false
        defer {
            if !opened {
                var owned: UnsafeMutablePointer<AVCodecContext>? = context
                FFmpegLogLabels.shared.freeCodecContext(&owned)
            }
        }
        var status = avcodec_parameters_to_context(context, stream.pointee.codecpar)
        guard status >= 0 else {
            throw MediaError.unsupportedCodec("codec parameters of \(options.url): \(ffmpegErrorString(status))")
        }
        context.pointee.pkt_timebase = stream.pointee.time_base
        context.pointee.thread_count = Int32(options.decoderThreads)
        context.pointee.thread_type = blurd_thread_frame_and_slice()
        if options.keyframesOnly { context.pointee.skip_frame = AVDISCARD_NONKEY }
        status = avcodec_open2(context, decoder, nil)
        guard status >= 0 else {
            let name = String(cString: avcodec_get_name(stream.pointee.codecpar.pointee.codec_id))
            throw MediaError.unsupportedCodec("cannot open the \(name) decoder: \(ffmpegErrorString(status))")
        }
        guard context.pointee.width > 0, context.pointee.height > 0 else {
            throw MediaError.openFailed(url: options.url, reason: "the video stream has no frame size")
        }
        opened = true
        return (context, index)
    }

    /// The best audio stream next to the video, kept from the demuxer's discard, when asked for.
    /// Without memory for the parameter copy the audio is left out rather than failing the run.
    private static func selectAudio(_ formatContext: UnsafeMutablePointer<AVFormatContext>, videoIndex: Int32,
                                    videoStart: Int64, _ options: VideoSourceOptions)
        -> (CopiedStream?, Int32, Int64) {
        guard options.copyAudio else { return (nil, -1, 0) }
        let index = av_find_best_stream(formatContext, AVMEDIA_TYPE_AUDIO, -1, videoIndex, nil, 0)
        guard index >= 0 else { return (nil, -1, 0) }
        let stream = formatContext.pointee.streams[Int(index)]!
        let videoTimeBase = formatContext.pointee.streams[Int(videoIndex)]!.pointee.time_base
        let shift = av_rescale_q(videoStart, videoTimeBase, stream.pointee.time_base)
        guard let copied = try? CopiedStream(copying: stream.pointee.codecpar, timeBase: stream.pointee.time_base) else {
            return (nil, -1, 0)
        }
        stream.pointee.discard = AVDISCARD_DEFAULT
        return (copied, index, shift)
    }

    private static func firstVideoCodecName(_ formatContext: UnsafeMutablePointer<AVFormatContext>) -> String? {
        for index in 0..<Int(formatContext.pointee.nb_streams) {
            let parameters = formatContext.pointee.streams[index]!.pointee.codecpar!
            if parameters.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
                return String(cString: avcodec_get_name(parameters.pointee.codec_id))
            }
        }
        return nil
    }

    /// A local path (no URL scheme, not a pipe), which can be checked for existence up front.
    private static func isPlainPath(_ url: String) -> Bool {
        !url.contains("://") && !url.hasPrefix("pipe:") && !url.hasPrefix("file:")
    }

    /// Whether an input that is not read through a `PipeInput` (every pipe is live) is live.
    private static func isLive(_ options: VideoSourceOptions, _ formatContext: UnsafeMutablePointer<AVFormatContext>) -> Bool {
        let url = options.url
        if url.hasPrefix("/dev/") { return true }
        if url.contains("://") && !url.hasPrefix("file://") { return true }
        if let inputFormat = formatContext.pointee.iformat, (inputFormat.pointee.flags & AVFMT_NOFILE) != 0 { return true }
        return false
    }
}
