import BlurdCore
import CFFmpeg
import Dispatch
import Foundation
import Logging

/// Receives every libav* log message (installed with av_log_set_callback by `FFmpegLog`) and
/// writes it to a swift-log `Logger`, rate-limited per stream and kind of message. Called on
/// whichever thread logs (demuxing, decoder threads), hence the lock.
// Unchecked: `logger` and `limiter` are used only while holding `lock`. (A Mutex cannot hold
// them: the limiter is handed a closure over the C va_list, which its region check rejects.)
final class FFmpegLogRouter: @unchecked Sendable {
    /// Messages of one kind from one stream: the same context class (all codec contexts share
    /// one) and the same format string, so "error while decoding MB 3 4" and "… MB 7 9" are one
    /// kind. Both are static data of the libav* libraries, compared by address. Each stream
    /// (`FFmpegLogLabels`) has its own windows, so one broken camera cannot suppress another's.
    struct Kind: Hashable {
        var stream: String?
        var contextClass: UInt
        var format: UInt
    }

    /// One message as written.
    struct Message {
        var level: Logger.Level
        /// The context's name ("h264", "mpegts"), or "libav" for messages without a context.
        var context: String
        /// The label its context was registered with, if any.
        var stream: String?
        var text: String

        var metadata: Logger.Metadata {
            var metadata: Logger.Metadata = ["ffmpeg": "\(context)"]
            if let stream { metadata["stream"] = "\(stream)" }
            return metadata
        }
    }

    static let shared = FFmpegLogRouter()

    /// Each kind is written at most `burst` times per `windowSeconds`.
    static let burst = 5
    static let windowSeconds = 10.0

    private let lock = NSLock()
    private var logger = Logger(label: "ffmpeg") { StreamLogHandler.standardError(label: $0) }
    private var limiter = LogRateLimiter<Kind, Message>(burst: burst, windowNanoseconds: UInt64(windowSeconds * 1e9))

    /// Writes to `logger` from now on; windows still open are closed and what they suppressed
    /// is reported to the previous logger, so the count is not lost or misattributed.
    func route(to logger: Logger) {
        let (previous, pending) = lock.withLock { () -> (Logger, [LogRateLimiter<Kind, Message>.Suppression]) in
            defer { self.logger = logger }
            return (self.logger, limiter.expireAll())
        }
        report(pending, to: previous)
    }

    /// One av_log call that passed the level set with av_log_set_level. `arguments` is consumed
    /// at most once, and only when the message is written.
    func receive(context: UnsafeMutableRawPointer?, level: Int32, format: UnsafePointer<CChar>,
                 arguments: CVaListPointer) {
        let now = DispatchTime.now().uptimeNanoseconds
        let contextClass = context?.assumingMemoryBound(to: UnsafePointer<AVClass>?.self).pointee
        let stream = FFmpegLogLabels.shared.label(of: context)
        let kind = Kind(stream: stream, contextClass: UInt(bitPattern: contextClass), format: UInt(bitPattern: format))
        var message: Message?
        let makeMessage = { () -> Message in
            let made = Message(level: Self.loggerLevel(level), context: Self.name(of: context, contextClass),
                               stream: stream, text: Self.format(format, arguments))
            message = made
            return made
        }
        let (logger, ended, decision) = lock.withLock {
            (self.logger, limiter.expire(at: now), limiter.admit(kind, at: now, message: makeMessage))
        }
        report(ended, to: logger)
        if decision.startedSuppressing {
            // The window's count is reported when it ends, even if no other message follows.
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.windowSeconds) { self.reportEndedWindows() }
        }
        guard decision.admitted else { return }
        let written = message ?? makeMessage()
        guard !written.text.isEmpty else { return }
        logger.log(level: written.level, "\(written.text)", metadata: written.metadata)
    }

    /// Closes every window and reports what it suppressed so far.
    func flush() {
        let (logger, pending) = lock.withLock { (self.logger, limiter.expireAll()) }
        report(pending, to: logger)
    }

    private func reportEndedWindows() {
        let now = DispatchTime.now().uptimeNanoseconds
        let (logger, ended) = lock.withLock { (self.logger, limiter.expire(at: now)) }
        report(ended, to: logger)
    }

    private func report(_ suppressions: [LogRateLimiter<Kind, Message>.Suppression], to logger: Logger) {
        for suppression in suppressions {
            let first = suppression.first
            let noun = suppression.count == 1 ? "message" : "messages"
            logger.log(level: first.level, "suppressed \(suppression.count) similar \(noun) (first: \(first.text))",
                       metadata: first.metadata)
        }
    }

    /// AV_LOG_PANIC/FATAL → critical, ERROR → error, WARNING → warning, INFO/VERBOSE → debug
    /// (FFmpeg's info is chatty stream description), DEBUG/TRACE → trace.
    static func loggerLevel(_ level: Int32) -> Logger.Level {
        switch level {
        case ...AV_LOG_FATAL: return .critical
        case ...AV_LOG_ERROR: return .error
        case ...AV_LOG_WARNING: return .warning
        case ...AV_LOG_VERBOSE: return .debug
        default: return .trace
        }
    }

    /// The context's item name (a codec context names its codec), else its class name.
    private static func name(of context: UnsafeMutableRawPointer?, _ contextClass: UnsafePointer<AVClass>?) -> String {
        guard let context, let contextClass else { return "libav" }
        if let itemName = contextClass.pointee.item_name, let name = itemName(context) {
            return String(cString: name)
        }
        return String(cString: contextClass.pointee.class_name)
    }

    /// The formatted message without its trailing newline; longer ones are cut at 1 KiB. URLs'
    /// userinfo is redacted: libavformat names the URLs it opens ("Connection to tcp://… failed"),
    /// and an input's URL may carry its password.
    private static func format(_ format: UnsafePointer<CChar>, _ arguments: CVaListPointer) -> String {
        let capacity = 1024
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            guard let base = buffer.baseAddress, vsnprintf(base, capacity, format, arguments) >= 0 else { return "" }
            return URLRedaction.redact(String(cString: base).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}

/// The av_log callback: filters by libav*'s level, as FFmpeg's default callback does, then
/// hands the message to the router.
func ffmpegLogCallback(_ context: UnsafeMutableRawPointer?, _ level: Int32, _ format: UnsafePointer<CChar>?,
                       _ arguments: CVaListPointer?) {
    guard let format, let arguments, level <= av_log_get_level() else { return }
    FFmpegLogRouter.shared.receive(context: context, level: level, format: format, arguments: arguments)
}
