/// Follows a stream's day/night mode (`DayNightMode`) from the chroma of its textured frames.
///
/// A frame below `irChroma` is evidence for infrared, one above `colourChroma` for colour, one in
/// between for neither. The first frame with evidence sets the mode at once (nothing to thrash
/// from yet). After that, an unbroken run of frames of the other mode switches it once the run
/// has lasted `switchSeconds` of stream time and numbered `switchFrames`; any other frame ends
/// the run. So a scene flickering across a threshold stays in its mode, and the gap between the
/// thresholds keeps a picture near one of them from starting runs either way. While a run is
/// pending its frames are held: `FocusMonitor` neither judges focus nor learns a baseline on
/// them, since they belong to a mode whose baseline is not yet in force. Frames without a
/// chroma statistic (a pixel format whose colour cannot be read) change nothing.
///
/// A pure value: feed it frames in order.
public struct DayNightDetector: Sendable {
    /// What a frame did to the mode.
    public enum Verdict: Equatable, Sendable {
        /// The frame is in the current mode (or gives no evidence): judge it as usual.
        case steady
        /// The frame belongs to the other mode, whose switch is not confirmed yet.
        case held
        /// The frame confirmed a switch (or set the first mode); it is in the new mode.
        case switched(from: DayNightMode)
    }

    public let settings: DayNightSettings
    /// Colour until a frame says otherwise.
    public private(set) var mode = DayNightMode.colour
    /// False until a frame gave evidence for either mode.
    private var decided = false
    /// Stream time of the first frame of a pending switch, and how many frames it has.
    private var pendingSince: Double?
    private var pendingFrames = 0

    public init(settings: DayNightSettings) {
        self.settings = settings
    }

    /// Feeds one textured frame's chroma statistic (`FrameMeta.chroma`).
    public mutating func observe(pts: Double, chroma: Double?) -> Verdict {
        guard settings.isEnabled, let chroma else { return .steady }
        let evidence: DayNightMode? = chroma < settings.irChroma ? .infrared
            : chroma > settings.colourChroma ? .colour : nil
        guard let evidence else {
            restartTiming()
            return .steady
        }
        guard decided else {
            decided = true
            let previous = mode
            mode = evidence
            return evidence == previous ? .steady : .switched(from: previous)
        }
        guard evidence != mode else {
            restartTiming()
            return .steady
        }
        // A pts before the run's start (jitter) restarts its clock from there.
        let start = pendingSince.map { min($0, pts) } ?? pts
        pendingFrames += 1
        guard pts - start >= settings.switchSeconds, pendingFrames >= settings.switchFrames else {
            pendingSince = start
            return .held
        }
        restartTiming()
        let previous = mode
        mode = evidence
        return .switched(from: previous)
    }

    /// Forgets a pending switch: called when a stream reconnects (its timestamps start afresh),
    /// and when a frame that is not of the other mode ends the run.
    public mutating func restartTiming() {
        pendingSince = nil
        pendingFrames = 0
    }
}
