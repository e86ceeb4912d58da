import CFFmpeg

/// Settings for opening a video encoder; shared by the file writer, in-memory recompression and
/// still-image writers so codec quirks live in one place.
struct EncoderSettings {
    var codecName: String
    var width: Int
    var height: Int
    var pixelFormat: AVPixelFormat
    var frameRate: Int
    var gopSize: Int
    var maxBFrames: Int?
    /// Constant rate factor, for encoders that have a `crf` option (libx264, libx265).
    var crf: Int?
    /// Fixed quantiser 1...31 for encoders without crf (mpeg4, mjpeg).
    var qscale: Int?
    var preset: String?
    var globalHeader: Bool
    /// Exact rate and pts unit when they are not `frameRate` and 1/`frameRate` (e.g. 30000/1001
    /// and an input's 1/90000), so outputs can keep an input's timestamps.
    var exactFrameRate: AVRational? = nil
    var timeBase: AVRational? = nil
    /// Labels the encoder's log messages (`FFmpegLogLabels`).
    var logLabel: String? = nil
}

/// Opens an encoder context.
func openEncoder(_ settings: EncoderSettings) throws -> CodecContext {
    guard let codec = avcodec_find_encoder_by_name(settings.codecName) else {
        throw MediaError.unsupportedCodec("no encoder named \(settings.codecName) in this FFmpeg build")
    }
    let encoder = try CodecContext(codec: codec, logLabel: settings.logLabel,
                                   orThrow: .encodeFailed("cannot allocate an encoder context for \(settings.codecName)"))
    let context = encoder.pointer
    context.pointee.width = Int32(settings.width)
    context.pointee.height = Int32(settings.height)
    context.pointee.pix_fmt = settings.pixelFormat
    context.pointee.time_base = settings.timeBase ?? AVRational(num: 1, den: Int32(settings.frameRate))
    context.pointee.framerate = settings.exactFrameRate ?? AVRational(num: Int32(settings.frameRate), den: 1)
    context.pointee.gop_size = Int32(settings.gopSize)
    if let maxBFrames = settings.maxBFrames { context.pointee.max_b_frames = Int32(maxBFrames) }
    if settings.globalHeader { context.pointee.flags |= blurd_codec_flag_global_header() }

    let hasCRF = av_opt_find(context.pointee.priv_data, "crf", nil, 0, 0) != nil
    if let crf = settings.crf, hasCRF {
        try setPrivateOption(context, "crf", String(crf))
    } else if let qscale = settings.qscale {
        context.pointee.flags |= blurd_codec_flag_qscale()
        context.pointee.global_quality = Int32(qscale) * FF_QP2LAMBDA
    }
    if let preset = settings.preset {
        try setPrivateOption(context, "preset", preset)
    }

    let status = avcodec_open2(context, codec, nil)
    guard status >= 0 else {
        throw MediaError.encodeFailed("cannot open encoder \(settings.codecName) at \(settings.width)x\(settings.height): \(ffmpegErrorString(status))")
    }
    return encoder
}

private func setPrivateOption(_ context: UnsafeMutablePointer<AVCodecContext>, _ name: String, _ value: String) throws {
    let status = av_opt_set(context.pointee.priv_data, name, value, 0)
    guard status >= 0 else {
        throw MediaError.encodeFailed("encoder option \(name)=\(value): \(ffmpegErrorString(status))")
    }
}

/// The 4:2:0 pixel format to use for `codecName`: MJPEG wants the full-range (J) variant.
func planar420Format(named name: String, codecName: String) throws -> AVPixelFormat {
    let format = av_get_pix_fmt(name)
    guard format == AV_PIX_FMT_YUV420P || format == AV_PIX_FMT_YUVJ420P else {
        throw MediaError.invalidOption("pixel format \(name): only yuv420p and yuvj420p are supported")
    }
    if codecName == "mjpeg" { return AV_PIX_FMT_YUVJ420P }
    return format
}
