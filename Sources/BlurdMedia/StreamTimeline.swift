/// Turns a video stream's raw frame timestamps into the pts delivered downstream
/// (`FrameMeta.pts`): the raw ones wherever they run on, and a timeline that keeps going where
/// they do not, so nothing that measures stream time (sampling, focus durations, baselines,
/// recording cuts, output timestamps) stalls or leaps.
///
/// - A step back to more than `backwardTolerance` before the latest pts (an encoder restarted
///   in place, a spliced stream) continues one frame step after the latest pts.
/// - On live inputs, a step forward of more than `forwardLimit` (the larger of
///   `minimumForwardJump` and `forwardJumpSteps` frame steps) continues likewise: a live
///   input's frames come about as fast as they are made, so such a step is a clock that jumped,
///   not time that passed. A file's forward gap is kept: it is the file's own timeline, and the
///   pts must keep naming positions in it.
/// - A wrap of the container's `pts_wrap_bits` counter (MPEG-TS: 33 bits at 90 kHz, every
///   26.5 h) is unwrapped exactly, not treated as a jump: every raw step is taken modulo the
///   wrap, nearest to zero. libavformat unwraps one wrap per open; this also covers later ones.
///
/// Each jump is reported with the raw step (seconds, modulo the wrap) that caused it. Until the
/// first jump or wrap, frames get exactly their raw pts relative to `origin`, so well-behaved
/// inputs are delivered as before. Works in the stream's integer units, so a
/// timeline running for days does not accumulate rounding.
struct StreamTimeline {
    /// Where a frame goes, and the raw step of the jump before it, if there was one.
    struct Placement: Equatable {
        /// Seconds from `origin`, after the jumps so far.
        var pts: Double
        /// The raw step in seconds when this frame starts a new run of timestamps; nil otherwise.
        var jump: Double?
        /// The placed timestamp in the stream's units, `origin` not subtracted: what a packet
        /// passed through is retimed to.
        var units: Int64
    }

    /// Backward wobble of badly muxed inputs (a frame or two) is passed through, keeping their
    /// own timestamps; the pts never fall further than this below the latest one, so sampling
    /// waits at most this long.
    static let backwardTolerance = 0.1
    /// The shortest forward step that counts as a jump on a live input: longer than the key
    /// frame interval of cameras (keyframes-only decoding sees one frame per interval) and as
    /// long as the default read timeout, after which a silent live input reconnects anyway.
    static let minimumForwardJump = 10.0
    /// Slow streams (a low frame rate, keyframes only) may step further: a jump must also be
    /// more than this many of the stream's latest frame steps.
    static let forwardJumpSteps: Int64 = 10

    private let timeBase: Double
    private let origin: Int64
    private let wrapPeriod: Int64?
    private let rebasesForwardJumps: Bool
    private let tolerance: Int64
    private let minimumForward: Int64
    /// The latest positive step between timestamps that ran on (units); at first, the frame rate's.
    private var step: Int64
    /// The previous raw timestamp, and what was added to it to place it.
    private var previousRaw: Int64?
    private var offset: Int64 = 0
    /// The highest placed timestamp so far (units).
    private var latest: Int64?

    /// `timeBase`: seconds per unit; `origin`: the unit pts 0 is at (the stream's start);
    /// `wrapBits`: the container's timestamp width (`AVStream.pts_wrap_bits`), 64 or more for
    /// none; `frameRate`: the expected rate (25 when unknown); `isLive`: whether forward jumps
    /// are rebased too.
    init(timeBase: Double, origin: Int64, wrapBits: Int, frameRate: Double?, isLive: Bool) {
        self.timeBase = timeBase
        self.origin = origin
        wrapPeriod = (1..<63).contains(wrapBits) ? Int64(1) << wrapBits : nil
        rebasesForwardJumps = isLive
        tolerance = Int64((Self.backwardTolerance / timeBase).rounded())
        minimumForward = Int64((Self.minimumForwardJump / timeBase).rounded())
        step = max(1, Int64((1 / (frameRate ?? 25) / timeBase).rounded()))
    }

    /// Places the next frame in display order; `raw` is its timestamp in units, nil when it has
    /// none (it then follows the previous frame by one step).
    mutating func place(_ raw: Int64?) -> Placement {
        guard let raw else { return placed(latest.map { $0 + step } ?? origin, jump: nil) }
        guard let previousRaw else {
            previousRaw = raw
            return placed(raw, jump: nil)
        }
        var delta = raw &- previousRaw
        if let period = wrapPeriod {
            delta = ((delta % period) + period) % period
            if delta > period / 2 { delta -= period }
        }
        self.previousRaw = raw
        let candidate = previousRaw + offset + delta
        let high = latest ?? candidate
        let forwardLimit = max(minimumForward, step * Self.forwardJumpSteps)
        if candidate < high - tolerance || (rebasesForwardJumps && delta > forwardLimit) {
            let next = high + step
            offset = next - raw
            return placed(next, jump: Double(delta) * timeBase)
        }
        if delta > 0 { step = delta }
        offset = candidate - raw
        return placed(candidate, jump: nil)
    }

    private mutating func placed(_ units: Int64, jump: Double?) -> Placement {
        latest = max(latest ?? units, units)
        return Placement(pts: Double(units - origin) * timeBase, jump: jump, units: units)
    }
}
