/// When a stream's smoothed score raises focus events. `focusLost` < `focusRestored` gives the
/// hysteresis band: a score wandering inside it changes nothing.
public struct FocusThresholds: Decodable, Equatable, Sendable {
    /// The smoothed score must fall below this to lose focus. The defaults suit the cnn score
    /// (sharp footage ≥ 0.8; a defocus of σ 2 px at the analysis size reads about 0.65).
    public var focusLost: Double = 0.6
    /// The smoothed score must rise above this to regain focus.
    public var focusRestored: Double = 0.7
    /// A crossing (or a run of no_texture frames) must last this long, in stream seconds, before
    /// the event is raised.
    public var minDurationSeconds: Double = 2
    /// Weight of the newest score in the exponential moving average, in (0, 1]; 1 = no smoothing.
    public var smoothing: Double = 0.3

    public init(focusLost: Double = 0.6, focusRestored: Double = 0.7, minDurationSeconds: Double = 2,
                smoothing: Double = 0.3) {
        self.focusLost = focusLost
        self.focusRestored = focusRestored
        self.minDurationSeconds = minDurationSeconds
        self.smoothing = smoothing
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case focusLost = "focus_lost"
        case focusRestored = "focus_restored"
        case minDurationSeconds = "min_duration_s"
        case smoothing
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FocusThresholds()
        focusLost = try container.decode(.focusLost, default: defaults.focusLost)
        focusRestored = try container.decode(.focusRestored, default: defaults.focusRestored)
        minDurationSeconds = try container.decode(.minDurationSeconds, default: defaults.minDurationSeconds)
        smoothing = try container.decode(.smoothing, default: defaults.smoothing)
    }

    /// Problems with the values, each as a message; empty when valid.
    func problems() -> [String] {
        var problems: [String] = []
        if !(0...1).contains(focusLost) || !(0...1).contains(focusRestored) {
            problems.append("thresholds must lie in [0, 1]")
        }
        if !(focusLost < focusRestored) {
            problems.append("focus_lost (\(focusLost)) must be below focus_restored (\(focusRestored))")
        }
        if !(minDurationSeconds >= 0) { problems.append("min_duration_s must be >= 0") }
        if !(smoothing > 0 && smoothing <= 1) { problems.append("smoothing must be in (0, 1]") }
        return problems
    }
}
