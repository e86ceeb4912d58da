import BlurdCore

/// Errors raised by the media layer, each mapped to a distinct, documented process exit code.
public enum MediaError: BlurdError, Equatable {
    /// The input path does not exist.
    case fileNotFound(String)
    /// The input opened but holds no video stream (e.g. audio only).
    case noVideoStream(String)
    /// The video (or requested encoder) codec is not available in this FFmpeg build.
    case unsupportedCodec(String)
    /// The input could not be opened: unreachable URL, unknown format, not a media file.
    case openFailed(url: String, reason: String)
    /// A fatal read or decode failure after the input was opened.
    case ioError(String)
    /// Encoding or writing an output failed.
    case encodeFailed(String)
    /// An option value is out of range (a usage error).
    case invalidOption(String)

    /// Process exit codes: 2 usage (also used by argument parsing), 3 file not found,
    /// 4 open failed / unreachable, 5 no video stream, 6 unsupported codec,
    /// 7 I/O or fatal decode error, 8 encode / output failure.
    public var exitCode: Int32 {
        switch self {
        case .invalidOption: return 2
        case .fileNotFound: return 3
        case .openFailed: return 4
        case .noVideoStream: return 5
        case .unsupportedCodec: return 6
        case .ioError: return 7
        case .encodeFailed: return 8
        }
    }

    /// A live input that is missing, unreachable, without video or failing to read may come
    /// back; a codec this build lacks, a bad option or a failing encoder stays so.
    public var isRetryable: Bool {
        switch self {
        case .fileNotFound, .openFailed, .noVideoStream, .ioError: return true
        case .unsupportedCodec, .invalidOption, .encodeFailed: return false
        }
    }

    /// The message with every URL's userinfo redacted (`URLRedaction`): the URL handed to
    /// FFmpeg may carry a stream's password, and these messages reach logs and /healthz.
    public var description: String { URLRedaction.redact(message) }

    private var message: String {
        switch self {
        case .fileNotFound(let path): return "file not found: \(path)"
        case .noVideoStream(let url): return "no video stream in \(url)"
        case .unsupportedCodec(let what): return "unsupported codec: \(what)"
        case .openFailed(let url, let reason): return "cannot open \(url): \(reason)"
        case .ioError(let message): return "I/O error: \(message)"
        case .encodeFailed(let message): return "encoding failed: \(message)"
        case .invalidOption(let message): return "invalid option: \(message)"
        }
    }
}
