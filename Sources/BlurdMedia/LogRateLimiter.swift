/// Lets each kind of log message through at most `burst` times per `window`, and counts the
/// rest, so a source that repeats one message thousands of times a second (a decoder on a
/// broken stream) writes a few lines and a count instead of flooding the log.
///
/// A window starts with the first message of its kind and lasts `window` nanoseconds; when it
/// is over, `expire(at:)` hands back what it suppressed, to be logged as one line. Times are
/// passed in (a monotonic clock in nanoseconds), so the limiter itself is deterministic.
struct LogRateLimiter<Kind: Hashable, Message> {
    /// A kind whose window ended after suppressing messages.
    struct Suppression {
        var kind: Kind
        /// The window's first message (written), to show what was suppressed.
        var first: Message
        var count: Int
    }

    private struct Window {
        var start: UInt64
        var admitted: Int
        var suppressed: Int
        var first: Message
    }

    let burst: Int
    let window: UInt64
    private var windows: [Kind: Window] = [:]

    init(burst: Int, windowNanoseconds: UInt64) {
        precondition(burst >= 1 && windowNanoseconds > 0, "the limiter needs a positive burst and window")
        self.burst = burst
        window = windowNanoseconds
    }

    /// Whether a message of `kind` is written. `message` gives it and is called only when it
    /// opens a window (it is then always written), so suppressed messages need not be formatted. `startedSuppressing` is true for the window's first suppressed message, so
    /// the caller can arrange an `expire` for when the window ends.
    mutating func admit(_ kind: Kind, at now: UInt64, message: () -> Message) -> (admitted: Bool, startedSuppressing: Bool) {
        if var open = windows[kind], now &- open.start < window {
            if open.admitted < burst {
                open.admitted += 1
                windows[kind] = open
                return (true, false)
            }
            open.suppressed += 1
            windows[kind] = open
            return (false, open.suppressed == 1)
        }
        windows[kind] = Window(start: now, admitted: 1, suppressed: 0, first: message())
        return (true, false)
    }

    /// Closes every window that has ended by `now` and returns those that suppressed messages.
    mutating func expire(at now: UInt64) -> [Suppression] {
        var ended: [Suppression] = []
        for (kind, open) in windows where now &- open.start >= window {
            windows[kind] = nil
            if open.suppressed > 0 { ended.append(Suppression(kind: kind, first: open.first, count: open.suppressed)) }
        }
        return ended
    }

    /// Closes every window, ended or not, and returns those that suppressed messages.
    mutating func expireAll() -> [Suppression] {
        defer { windows.removeAll() }
        return windows.compactMap { kind, open in
            open.suppressed > 0 ? Suppression(kind: kind, first: open.first, count: open.suppressed) : nil
        }
    }
}
