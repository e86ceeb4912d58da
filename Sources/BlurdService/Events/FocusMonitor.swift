import BlurdAnalysis

/// Turns a stream's per-frame analyses into focus events: an exponential moving average of the
/// score, two thresholds for hysteresis, and a minimum duration before a crossing counts, so a
/// flickering score raises one event, not one per frame.
///
/// no_texture frames carry no score: they neither move the average nor confirm or cancel a
/// focus change. A run of them lasting the minimum duration raises `noTexture` (a covered lens)
/// and, once textured frames have lasted as long again, `textureRestored`.
///
/// The stream's baseline (see `FocusThresholds`) is the median score of its first
/// `baselineMinutes` of textured frames, counted in stream time across reconnects; its
/// completion raises `baselineLearned`, and from then on the thresholds follow it. A monitor
/// started with a baseline (one an earlier run learned, see `BaselineStore`) follows it from
/// the first frame and learns nothing.
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
    /// The stream's normal score, once learned or restored; nil while learning or with no
    /// baseline.
    public private(set) var baseline: Double?
    private var baselineScores: [Double] = []
    private var baselineSeconds = 0.0
    /// The previous frame's pts when it was textured, for counting textured stream time.
    private var lastTexturedPts: Double?
    /// Where a focus change that is not yet confirmed started (stream seconds).
    private var focusChangeSince: Double?
    private var textureChangeSince: Double?

    /// `baseline`: the stream's normal score from an earlier run; ignored when
    /// `thresholds.baselineMinutes` is 0 (baselines off).
    public init(thresholds: FocusThresholds, baseline: Double? = nil) {
        self.thresholds = thresholds
        self.baseline = thresholds.baselineMinutes > 0 ? baseline : nil
    }

    /// Feeds one analysed frame; returns the events it confirms (usually none).
    public mutating func observe(pts: Double, state: FrameState, score: Double?) -> [FocusEvent] {
        var events: [FocusEvent] = []
        let textured = state == .ok && score != nil
        if confirm(change: textured == textureLost, since: &textureChangeSince, pts: pts) {
            textureLost.toggle()
            events.append(FocusEvent(kind: textureLost ? .noTexture : .textureRestored, pts: pts, score: smoothedScore))
        }
        guard textured, let score else {
            lastTexturedPts = nil
            return events
        }

        let smoothed = smoothedScore.map { thresholds.smoothing * score + (1 - thresholds.smoothing) * $0 } ?? score
        smoothedScore = smoothed
        if learnBaseline(score: score, pts: pts), let baseline {
            events.append(FocusEvent(kind: .baselineLearned, pts: pts, score: baseline))
        }
        let limits = thresholds.effective(baseline: baseline)
        let crossing = inFocus ? smoothed < limits.lost : smoothed > limits.restored
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
        lastTexturedPts = nil
    }

    /// Drops the baseline and learns it again from the coming textured frames, keeping the
    /// focus state: for a camera whose normal changed (re-aimed).
    public mutating func relearnBaseline() {
        baseline = nil
        baselineScores = []
        baselineSeconds = 0
    }

    /// Adds a textured frame to the baseline while it is being learned; true when this frame
    /// completes it.
    private mutating func learnBaseline(score: Double, pts: Double) -> Bool {
        defer { lastTexturedPts = pts }
        guard baseline == nil, thresholds.baselineMinutes > 0 else { return false }
        // Gaps are capped so sparse sampling counts, but a jump in the timestamps does not.
        if let last = lastTexturedPts, pts > last { baselineSeconds += min(pts - last, 10) }
        baselineScores.append(score)
        guard baselineSeconds >= thresholds.baselineMinutes * 60 else { return false }
        let sorted = baselineScores.sorted()
        baseline = sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        baselineScores = []
        return true
    }

    /// Tracks how long `change` has held; true once it has held for the minimum duration.
    private func confirm(change: Bool, since: inout Double?, pts: Double) -> Bool {
        guard change else {
            since = nil
            return false
        }
        // A source's timeline lets its pts go back only by jitter (StreamTimeline), and a
        // reconnect calls restartTiming; a pts before the start restarts the clock regardless.
        let start = since.map { min($0, pts) } ?? pts
        if pts - start >= thresholds.minDurationSeconds {
            since = nil
            return true
        }
        since = start
        return false
    }
}
