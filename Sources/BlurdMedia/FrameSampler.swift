/// Decides which decoded frames to deliver: the start/duration window, then every Nth, then the
/// fps cap. Pure logic on pts, kept apart from the decoder so it is easy to reason about. The
/// pts come from the stream's `StreamTimeline`, so they never go back further than its tolerance
/// and the fps grid resumes within one interval of a timestamp jump.
struct FrameSampler {
    enum Decision: Equatable { case keep, skip, stop }

    /// Half a millisecond: container timestamps are rounded, so 0.2 may arrive as 0.19999.
    private static let tolerance = 0.0005
    private let start: Double
    private let end: Double?
    private let every: Int
    private let interval: Double?
    private var framesInWindow = 0
    private var nextKeepPts: Double?

    init(start: Double?, duration: Double?, every: Int, fps: Double?) {
        self.start = start ?? 0
        self.end = duration.map { (start ?? 0) + $0 }
        self.every = every
        self.interval = fps.map { 1 / $0 }
    }

    mutating func decide(pts: Double) -> Decision {
        if pts < start - Self.tolerance { return .skip }
        if let end, pts >= end - Self.tolerance { return .stop }
        defer { framesInWindow += 1 }
        guard framesInWindow % every == 0 else { return .skip }
        guard let interval else { return .keep }
        if let next = nextKeepPts, pts < next - Self.tolerance { return .skip }
        // After a gap longer than one interval, restart the grid at this frame.
        if let next = nextKeepPts, pts < next + interval {
            nextKeepPts = next + interval
        } else {
            nextKeepPts = pts + interval
        }
        return .keep
    }
}
