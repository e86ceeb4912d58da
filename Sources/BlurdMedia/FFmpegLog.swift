import CFFmpeg

/// Controls libav*'s own logging, which writes straight to stderr.
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
        avdevice_register_all()
    }()

    /// Sets libav*'s log level for the whole process.
    public static func setLevel(_ level: Level) {
        _ = defaultInstalled
        av_log_set_level(level.rawValue)
    }

    static func installDefault() {
        _ = defaultInstalled
    }
}
