import CFFmpeg
import Logging

/// Controls libav*'s own logging: its level, and where its lines go. libav* would print them
/// raw on stderr ("[h264 @ 0x55…] error while decoding MB 3 4"), unstructured and as often as a
/// broken stream makes them; blurd installs a callback that writes them to swift-log instead.
public enum FFmpegLog {
    /// libav* log levels (the `AV_LOG_*` values).
    public enum Level: Int32, Sendable {
        case quiet = -8, panic = 0, fatal = 8, error = 16, warning = 24, info = 32, verbose = 40, debug = 48
    }

    /// Runs once before the first media object is created: FFmpeg's default (info) is far too chatty
    /// for a daemon whose stdout/stderr carry results and one clear error message. Device demuxers
    /// (v4l2) are registered here too, since every input passes through this point first.
    private static let defaultInstalled: Void = {
        av_log_set_level(Level.error.rawValue)
        av_log_set_callback(ffmpegLogCallback)
        avdevice_register_all()
    }()

    /// Sets libav*'s log level for the whole process: messages above it are dropped before
    /// they reach swift-log.
    public static func setLevel(_ level: Level) {
        _ = defaultInstalled
        av_log_set_level(level.rawValue)
    }

    /// Writes libav*'s messages to `logger` from now on; until this is called they go to a
    /// swift-log `StreamLogHandler` on standard error. AV_LOG_ERROR maps to `.error`, WARNING to
    /// `.warning`, INFO and VERBOSE to `.debug`; the context's name ("h264", "mpegts") is the
    /// `ffmpeg` metadata value, and messages about a source or writer opened with a `logLabel`
    /// carry it as `stream` metadata. Each kind of message (same stream, context class and
    /// format string) is written at most 5 times in 10 s, the rest counted and reported as one
    /// line, "suppressed K similar messages (first: …)", so a broken stream cannot flood the log
    /// nor silence another stream's messages.
    public static func route(to logger: Logger) {
        _ = defaultInstalled
        FFmpegLogRouter.shared.route(to: logger)
    }

    /// Writes now the counts of messages suppressed so far, which are otherwise reported when
    /// their window ends: a process about to exit calls it, so no count is lost.
    public static func flush() {
        FFmpegLogRouter.shared.flush()
    }

    static func installDefault() {
        _ = defaultInstalled
    }
}
