import CFFmpeg
import Foundation

/// An opened input of a `VideoSource`: the demuxer, the opened decoder of its best video stream
/// and the audio stream passed through, with what they tell about the video. Opening is all or
/// nothing: when a step fails, the owners made before it free their objects as the error leaves.
struct MediaInput {
    let decoder: CodecContext
    let format: InputFormatContext
    let streamIndex: Int32
    /// Seconds per unit of the video stream's timestamps.
    let timeBase: Double
    /// The video stream's first timestamp (0 when unknown), which `FrameMeta.pts` counts from.
    let streamStart: Int64
    /// The width of the video stream's timestamps in the container, where they wrap (MPEG-TS: 33).
    let ptsWrapBits: Int
    let info: StreamInfo
    let audioStream: CopiedStream?
    /// The index of `audioStream` in the input; -1 without one.
    let audioIndex: Int32
    /// The video stream's start in the audio time base, subtracted from audio timestamps.
    let audioShift: Int64
    /// The width of the audio stream's timestamps in the container (`ptsWrapBits`'s twin).
    let audioWrapBits: Int

    init(options: VideoSourceOptions, interrupt: InputInterrupt) throws {
        let pipeInput = try PipeInput.reader(for: options.url, interrupt: interrupt, logLabel: options.logLabel)
        // Opening logs through contexts libav* makes itself (the connection, probing decoders).
        let format = try FFmpegLogLabels.$callerLabel.withValue(options.logLabel) {
            try Self.openInput(options, interrupt: interrupt, pipeInput: pipeInput)
        }
        let (decoder, index) = try FFmpegLogLabels.$callerLabel.withValue(options.logLabel) {
            try Self.openDecoder(format.pointer, options)
        }
        self.format = format
        self.decoder = decoder
        streamIndex = index

        let formatContext = format.pointer, codecContext = decoder.pointer
        let stream = formatContext.pointee.streams[Int(index)]!
        timeBase = av_q2d(stream.pointee.time_base)
        streamStart = stream.pointee.start_time == blurd_nopts_value() ? 0 : stream.pointee.start_time
        ptsWrapBits = Int(stream.pointee.pts_wrap_bits)
        let width = Int(codecContext.pointee.width), height = Int(codecContext.pointee.height)
        let analysis = StreamInfo.analysisSize(width: width, height: height, longSide: options.analysisLongSide)
        let guessedRate = av_guess_frame_rate(formatContext, stream, nil)
        var duration: Double?
        if stream.pointee.duration != blurd_nopts_value(), stream.pointee.duration > 0 {
            duration = Double(stream.pointee.duration) * timeBase
        } else if formatContext.pointee.duration != blurd_nopts_value(), formatContext.pointee.duration > 0 {
            duration = Double(formatContext.pointee.duration) / Double(AV_TIME_BASE)
        }
        // The one rule of liveness: what the URL names (network, pipe, FIFO, device), or a demuxer
        // that reads no file (a grabber).
        let isLive = options.namesLiveInput || Self.readsNoFile(formatContext)
        let hasRate = guessedRate.num > 0 && guessedRate.den > 0
        info = StreamInfo(width: width, height: height,
                          frameRate: hasRate ? av_q2d(guessedRate) : nil,
                          exactFrameRate: hasRate ? MediaRational(guessedRate.num, guessedRate.den) : nil,
                          timeBase: MediaRational(stream.pointee.time_base.num, stream.pointee.time_base.den),
                          durationSeconds: isLive ? nil : duration,
                          codecName: String(cString: avcodec_get_name(codecContext.pointee.codec_id)),
                          isLive: isLive, analysisWidth: analysis.width, analysisHeight: analysis.height,
                          startTimecode: Self.startTimecode(formatContext, videoStream: stream))
        (audioStream, audioIndex, audioShift, audioWrapBits) = Self.selectAudio(formatContext, videoIndex: index,
                                                                                videoStart: streamStart, options)
    }

    /// The `timecode` tag of the video stream, the container, or another stream (tmcd), in that order.
    private static func startTimecode(_ formatContext: UnsafeMutablePointer<AVFormatContext>,
                                      videoStream: UnsafeMutablePointer<AVStream>) -> String? {
        func tag(_ dictionary: OpaquePointer?) -> String? {
            guard let entry = av_dict_get(dictionary, "timecode", nil, 0), let value = entry.pointee.value else { return nil }
            return String(cString: value)
        }
        if let value = tag(videoStream.pointee.metadata) ?? tag(formatContext.pointee.metadata) { return value }
        for index in 0..<Int(formatContext.pointee.nb_streams) {
            if let stream = formatContext.pointee.streams[index], let value = tag(stream.pointee.metadata) { return value }
        }
        return nil
    }

    private static func openInput(_ options: VideoSourceOptions, interrupt: InputInterrupt,
                                  pipeInput: PipeInput?) throws -> InputFormatContext {
        let url = options.url
        let timeoutMicroseconds = microseconds(options.timeoutSeconds)
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
        // Allocated here rather than by avformat_open_input, to be labelled and configured first;
        // nothing fails between here and the opening, which frees it when it fails.
        guard let context = avformat_alloc_context() else {
            throw MediaError.openFailed(url: url, reason: "out of memory")
        }
        FFmpegLogLabels.shared.register(UnsafeMutableRawPointer(context), label: options.logLabel)
        context.pointee.interrupt_callback = interrupt.callback
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
        let input = InputFormatContext(opened: openedContext, interrupt: interrupt, readingThrough: pipeInput)
        // The tty demuxer claims any .txt/.nfo file by extension and renders it as ANSI-art video;
        // for a blur detector a text file is a wrong input, not a video.
        if options.format == nil, let probed = openedContext.pointee.iformat, String(cString: probed.pointee.name) == "tty" {
            throw MediaError.openFailed(url: url, reason: "a text file, not a video (force a format to read it anyway)")
        }

        interrupt.arm(seconds: options.timeoutSeconds)
        status = avformat_find_stream_info(openedContext, nil)
        interrupt.disarm()
        guard status >= 0 else {
            if interrupt.isRequested {
                throw MediaError.openFailed(url: url, reason: "stopped before the input opened")
            }
            throw MediaError.openFailed(url: url, reason: "cannot read stream information: \(ffmpegErrorString(status))")
        }
        return input
    }

    private static func openDecoder(_ formatContext: UnsafeMutablePointer<AVFormatContext>,
                                    _ options: VideoSourceOptions) throws -> (CodecContext, Int32) {
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
        let codec = try CodecContext(codec: decoder, logLabel: options.logLabel,
                                     orThrow: .ioError("out of memory allocating a decoder"))
        let context = codec.pointer
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
        return (codec, index)
    }

    /// The best audio stream next to the video, kept from the demuxer's discard, when asked for.
    /// Without memory for the parameter copy the audio is left out rather than failing the run.
    private static func selectAudio(_ formatContext: UnsafeMutablePointer<AVFormatContext>, videoIndex: Int32,
                                    videoStart: Int64, _ options: VideoSourceOptions)
        -> (CopiedStream?, Int32, Int64, Int) {
        guard options.copyAudio else { return (nil, -1, 0, 64) }
        let index = av_find_best_stream(formatContext, AVMEDIA_TYPE_AUDIO, -1, videoIndex, nil, 0)
        guard index >= 0 else { return (nil, -1, 0, 64) }
        let stream = formatContext.pointee.streams[Int(index)]!
        let videoTimeBase = formatContext.pointee.streams[Int(videoIndex)]!.pointee.time_base
        let shift = av_rescale_q(videoStart, videoTimeBase, stream.pointee.time_base)
        guard let copied = try? CopiedStream(copying: stream.pointee.codecpar, timeBase: stream.pointee.time_base) else {
            return (nil, -1, 0, 64)
        }
        stream.pointee.discard = AVDISCARD_DEFAULT
        return (copied, index, shift, Int(stream.pointee.pts_wrap_bits))
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

    /// Whether the opened demuxer reads no file (AVFMT_NOFILE: devices and grabbers).
    private static func readsNoFile(_ formatContext: UnsafeMutablePointer<AVFormatContext>) -> Bool {
        guard let inputFormat = formatContext.pointee.iformat else { return false }
        return (inputFormat.pointee.flags & AVFMT_NOFILE) != 0
    }
}
