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
/// completion raises `baselineLearned`, and from then on the thresholds follow it. A camera's
/// colour and infrared pictures differ in what "sharp" reads, so each day/night mode
/// (`DayNightDetector`, from the frames' chroma) has its own baseline, learned from its own
/// frames; until the current mode's is learned only the absolute thresholds apply. When the
/// mode switches, the moving average and any unconfirmed focus change start afresh; the frames
/// of a switch still pending are held (neither judged nor learned from). A monitor started with
/// baselines (learned by an earlier run, see `BaselineStore`) follows them from the first frame
/// and learns only the modes it lacks.
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
    /// The stream's normal score in each mode, once learned or restored.
    public private(set) var baselines: [DayNightMode: Double] = [:]
    /// The baselines still being learned: the scores so far and the textured seconds they span.
    private var learning: [DayNightMode: (scores: [Double], seconds: Double)] = [:]
    private var dayNight: DayNightDetector
    /// The previous frame's pts when it was textured, for counting textured stream time.
    private var lastTexturedPts: Double?
    /// Where a focus change that is not yet confirmed started (stream seconds).
    private var focusChangeSince: Double?
    private var textureChangeSince: Double?

    /// `baselines`: the stream's normal scores from an earlier run, by mode; ignored when
    /// `thresholds.baselineMinutes` is 0 (baselines off).
    public init(thresholds: FocusThresholds, dayNight: DayNightSettings = DayNightSettings(),
                baselines: [DayNightMode: Double] = [:]) {
        self.thresholds = thresholds
        self.dayNight = DayNightDetector(settings: dayNight)
        self.baselines = thresholds.baselineMinutes > 0 ? baselines : [:]
    }

    /// The mode the stream's frames are in (colour until a frame says otherwise).
    public var mode: DayNightMode { dayNight.mode }

    /// The current mode's normal score, once learned or restored; nil while learning or with no
    /// baseline.
    public var baseline: Double? { baselines[mode] }

    /// Feeds one analysed frame with its chroma statistic (`FrameMeta.chroma`; nil: unknown,
    /// the mode stays); returns the events it confirms (usually none).
    public mutating func observe(pts: Double, state: FrameState, score: Double?, chroma: Double? = nil) -> [FocusEvent] {
        var events: [FocusEvent] = []
        let textured = state == .ok && score != nil
        if confirm(change: textured == textureLost, since: &textureChangeSince, pts: pts) {
            textureLost.toggle()
            events.append(FocusEvent(kind: textureLost ? .noTexture : .textureRestored, pts: pts, score: smoothedScore,
                                     mode: mode))
        }
        guard textured, let score else {
            lastTexturedPts = nil
            return events
        }
        switch dayNight.observe(pts: pts, chroma: chroma) {
        case .steady:
            break
        case .held:
            // Not counted toward the baseline's time either: the next counted gap starts after it.
            lastTexturedPts = nil
            return events
        case .switched:
            smoothedScore = nil
            focusChangeSince = nil
            lastTexturedPts = nil
        }

        let smoothed = smoothedScore.map { thresholds.smoothing * score + (1 - thresholds.smoothing) * $0 } ?? score
        smoothedScore = smoothed
        if learnBaseline(score: score, pts: pts), let baseline {
            events.append(FocusEvent(kind: .baselineLearned, pts: pts, score: baseline, mode: mode))
        }
        let limits = thresholds.effective(baseline: baseline)
        let crossing = inFocus ? smoothed < limits.lost : smoothed > limits.restored
        if confirm(change: crossing, since: &focusChangeSince, pts: pts) {
            inFocus.toggle()
            events.append(FocusEvent(kind: inFocus ? .focusRestored : .focusLost, pts: pts, score: smoothed, mode: mode))
        }
        return events
    }

    /// Forgets unconfirmed changes (a pending mode switch too), keeping the average and the
    /// confirmed states: called when a stream reconnects, since the new connection's timestamps
    /// start afresh.
    public mutating func restartTiming() {
        focusChangeSince = nil
        textureChangeSince = nil
        lastTexturedPts = nil
        dayNight.restartTiming()
    }

    /// Drops the baselines of `modes` (every mode by default) and learns them again from the
    /// coming textured frames of each, keeping the focus state: for a camera whose normal
    /// changed (re-aimed).
    public mutating func relearnBaseline(modes: [DayNightMode] = DayNightMode.allCases) {
        for mode in modes {
            baselines[mode] = nil
            learning[mode] = nil
        }
    }

    /// Adds a textured frame to the current mode's baseline while it is being learned; true
    /// when this frame completes it.
    private mutating func learnBaseline(score: Double, pts: Double) -> Bool {
        defer { lastTexturedPts = pts }
        guard baselines[mode] == nil, thresholds.baselineMinutes > 0 else { return false }
        var progress = learning[mode] ?? (scores: [], seconds: 0)
        // Gaps are capped so sparse sampling counts, but a jump in the timestamps does not.
        if let last = lastTexturedPts, pts > last { progress.seconds += min(pts - last, 10) }
        progress.scores.append(score)
        guard progress.seconds >= thresholds.baselineMinutes * 60 else {
            learning[mode] = progress
            return false
        }
        let sorted = progress.scores.sorted()
        baselines[mode] = sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        learning[mode] = nil
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
