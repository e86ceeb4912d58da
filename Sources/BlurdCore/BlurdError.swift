/// What every blurd error says about itself, so that the command line and the daemon's stream
/// supervisor each handle all of them in one place instead of type by type.
///
/// `exitCode` is the process exit code of a command that ends on the error:
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | success (never an error's code) |
/// | 2 | bad command line, option or config value; a model unusable as an option |
/// | 3 | input file not found |
/// | 4 | input cannot be opened |
/// | 5 | no video stream |
/// | 6 | unsupported codec |
/// | 7 | read or decode failure after the input opened (also an unreadable or malformed score log for `blurd report`) |
/// | 8 | output failure |
///
/// `isRetryable`: whether a live stream's supervisor reconnects after the error. A
/// non-retryable one fails the stream, because connecting again would meet it again. Whether
/// the source is live (a file is never retried) is the supervisor's concern, not the error's.
///
/// `description` is the one-line message, printed as `blurd: error: MESSAGE`.
public protocol BlurdError: Error, CustomStringConvertible {
    var exitCode: Int32 { get }
    var isRetryable: Bool { get }
}
