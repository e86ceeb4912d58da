import BlurdAnalysis

/// A change in what a stream shows, raised by `FocusMonitor` (`baselineRestored` by the
/// stream's sink, which restores the baseline before any frame).
public struct FocusEvent: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The smoothed score stayed below `focus_lost` for the minimum duration.
        case focusLost = "focus_lost"
        /// The smoothed score stayed above `focus_restored` for the minimum duration.
        case focusRestored = "focus_restored"
        /// Only no_texture frames for the minimum duration: a covered lens, a dead or black feed.
        case noTexture = "no_texture"
        /// Textured frames again for the minimum duration after `noTexture`.
        case textureRestored = "texture_restored"
        /// The stream's baseline score is learned (its value is the event's score); the focus
        /// thresholds follow it from now on.
        case baselineLearned = "baseline_learned"
        /// A baseline learned by an earlier run was restored from the state directory
        /// (`BaselineStore`); its value is the event's score, and nothing is learned.
        case baselineRestored = "baseline_restored"
    }

    public var kind: Kind
    /// Stream time of the frame that confirmed the event, in seconds; nil for
    /// `baselineRestored`, which precedes every frame.
    public var pts: Double?
    /// The smoothed score at that frame (the baseline, for `baselineLearned` and
    /// `baselineRestored`); nil before any textured frame was seen.
    public var score: Double?
    /// The stream's day/night mode when the event was raised (for the baseline events, the
    /// mode whose baseline it is).
    public var mode: DayNightMode
    /// For `focusLost` with a model that has blur-type heads: whether that model has them
    /// (`typed`) and the smoothed dominant type (`BlurTypeSmoothing`; nil when under 1 % is
    /// blurred). Other events and models leave both unset, and their lines are as before.
    public var typed = false
    public var blurType: BlurTypeSummary.Dominant?

    public init(kind: Kind, pts: Double?, score: Double?, mode: DayNightMode = .colour) {
        self.kind = kind
        self.pts = pts
        self.score = score
        self.mode = mode
    }
}
