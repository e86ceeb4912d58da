import BlurdPipeline

/// Turns a stream's per-frame analyses into focus events: an exponential moving average of the
/// score, two thresholds for hysteresis, and a minimum duration before a crossing counts, so a
/// flickering score raises one event, not one per frame.
///
/// no_texture frames carry no score: they neither move the average nor confirm or cancel a
/// focus change. A run of them lasting the minimum duration raises `noTexture` (a covered lens)
/// and, once textured frames have lasted as long again, `textureRestored`.
///
/// A pure value: feed it frames in order, it returns the events they confirm.
public struct FocusMonitor: Sendable {
    public let thresholds: FocusThresholds
    /// The exponential moving average of textured frames' scores; nil before the first one.
    public private(set) var smoothedScore: Double?
    /// The stream is assumed in focus until the score says otherwise, so a camera that starts
    /// blurred raises `focusLost`.
    public private(set) var inFocus = true
    /// True after `noTexture` until `textureRestored`.
    public private(set) var textureLost = false
    /// Where a focus change that is not yet confirmed started (stream seconds).
    private var focusChangeSince: Double?
    private var textureChangeSince: Double?

    public init(thresholds: FocusThresholds) {
        self.thresholds = thresholds
    }

    /// Feeds one analysed frame; returns the events it confirms (usually none).
    public mutating func observe(pts: Double, state: FrameState, score: Double?) -> [FocusEvent] {
        var events: [FocusEvent] = []
        let textured = state == .ok && score != nil
        if confirm(change: textured == textureLost, since: &textureChangeSince, pts: pts) {
            textureLost.toggle()
            events.append(FocusEvent(kind: textureLost ? .noTexture : .textureRestored, pts: pts, score: smoothedScore))
        }
        guard textured, let score else { return events }

        let smoothed = smoothedScore.map { thresholds.smoothing * score + (1 - thresholds.smoothing) * $0 } ?? score
        smoothedScore = smoothed
        let crossing = inFocus ? smoothed < thresholds.focusLost : smoothed > thresholds.focusRestored
        if confirm(change: crossing, since: &focusChangeSince, pts: pts) {
            inFocus.toggle()
            events.append(FocusEvent(kind: inFocus ? .focusRestored : .focusLost, pts: pts, score: smoothed))
        }
        return events
    }

    /// Forgets unconfirmed changes, keeping the average and the confirmed states: called when a
    /// stream reconnects, since the new connection's timestamps start afresh.
    public mutating func restartTiming() {
        focusChangeSince = nil
        textureChangeSince = nil
    }

    /// Tracks how long `change` has held; true once it has held for the minimum duration.
    private func confirm(change: Bool, since: inout Double?, pts: Double) -> Bool {
        guard change else {
            since = nil
            return false
        }
        // Timestamps that jump backwards (a wrapped or restarted stream) restart the clock.
        let start = since.map { min($0, pts) } ?? pts
        if pts - start >= thresholds.minDurationSeconds {
            since = nil
            return true
        }
        since = start
        return false
    }
}
