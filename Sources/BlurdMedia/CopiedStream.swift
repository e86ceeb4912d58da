import CFFmpeg

/// A non-video input stream (audio) whose packets are passed through to an output unchanged:
/// its codec parameters, copied out of the input so they outlive it.
// Unchecked: `parameters` is written only in init and only read (copied into outputs) after it.
public final class CopiedStream: @unchecked Sendable {
    /// Owned; immutable after init, hence safe to share.
    let parameters: UnsafeMutablePointer<AVCodecParameters>
    public let timeBase: MediaRational
    public let codecName: String

    init(copying source: UnsafePointer<AVCodecParameters>, timeBase: AVRational) throws {
        guard let parameters = avcodec_parameters_alloc() else {
            throw MediaError.ioError("out of memory copying stream parameters")
        }
        let status = avcodec_parameters_copy(parameters, source)
        guard status >= 0 else {
            var owned: UnsafeMutablePointer<AVCodecParameters>? = parameters
            avcodec_parameters_free(&owned)
            throw MediaError.ioError("copying stream parameters: \(ffmpegErrorString(status))")
        }
        self.parameters = parameters
        self.timeBase = MediaRational(timeBase.num, timeBase.den)
        codecName = String(cString: avcodec_get_name(source.pointee.codec_id))
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecParameters>? = parameters
        avcodec_parameters_free(&owned)
    }
}
