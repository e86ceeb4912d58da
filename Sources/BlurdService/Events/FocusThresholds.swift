import BlurdCore

/// When a stream's smoothed score raises focus events. `focusLost` < `focusRestored` gives the
/// hysteresis band: a score wandering inside it changes nothing.
///
/// The absolute thresholds are a floor. Each stream also learns its own baseline (the median
/// score of its first `baselineMinutes` of textured frames): a camera whose normal is 0.97 has
/// drifted when it reads 0.8, long before it reaches 0.6, while a misty lake that normally
/// reads 0.75 must not alarm at once. Once learned, focus is lost below
/// max(`focusLost`, baseline − `baselineDrop`), and restored above that plus the hysteresis gap.
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
    /// Stream minutes of textured frames the baseline is learned from; 0 = no baseline, the
    /// absolute thresholds only.
    public var baselineMinutes: Double = 10
    /// How far below its baseline a stream's smoothed score may fall before focus is lost.
    public var baselineDrop: Double = 0.15

    public init(focusLost: Double = 0.6, focusRestored: Double = 0.7, minDurationSeconds: Double = 2,
                smoothing: Double = 0.3, baselineMinutes: Double = 10, baselineDrop: Double = 0.15) {
        self.focusLost = focusLost
        self.focusRestored = focusRestored
        self.minDurationSeconds = minDurationSeconds
        self.smoothing = smoothing
        self.baselineMinutes = baselineMinutes
        self.baselineDrop = baselineDrop
    }

    /// The thresholds in force for a stream with this learned baseline (nil: none yet). While
    /// baseline − drop is below `focusLost` the absolute thresholds hold (a stream learned while
    /// already soft gains nothing). Above it, the restore threshold keeps the hysteresis gap but
    /// stays at most halfway up to the baseline, so a stream back at its normal is restored.
    public func effective(baseline: Double?) -> (lost: Double, restored: Double) {
        guard let baseline, baseline - baselineDrop > focusLost else { return (focusLost, focusRestored) }
        let lost = baseline - baselineDrop
        return (lost, lost + min(focusRestored - focusLost, baselineDrop / 2))
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case focusLost = "focus_lost"
        case focusRestored = "focus_restored"
        case minDurationSeconds = "min_duration_s"
        case smoothing
        case baselineMinutes = "baseline_minutes"
        case baselineDrop = "baseline_drop"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FocusThresholds()
        focusLost = try container.decode(.focusLost, default: defaults.focusLost)
        focusRestored = try container.decode(.focusRestored, default: defaults.focusRestored)
        minDurationSeconds = try container.decode(.minDurationSeconds, default: defaults.minDurationSeconds)
        smoothing = try container.decode(.smoothing, default: defaults.smoothing)
        baselineMinutes = try container.decode(.baselineMinutes, default: defaults.baselineMinutes)
        baselineDrop = try container.decode(.baselineDrop, default: defaults.baselineDrop)
    }

    /// `baselineMinutes`: up to a week of textured frames.
    static let baselineMinutesRange = ValueRange<Double>(0...10_080)

    /// Problems with the values, each as a message; empty when valid.
    func problems() -> [String] {
        var problems: [String] = []
        if !(0...1).contains(focusLost) || !(0...1).contains(focusRestored) {
            problems.append("thresholds must lie in [0, 1]")
        }
        if !(focusLost < focusRestored) {
            problems.append("focus_lost (\(focusLost)) must be below focus_restored (\(focusRestored))")
        }
        problems += [ValueRange<Double>(0...86_400).problem("min_duration_s", minDurationSeconds),
                     ValueRange<Double>(above: 0, through: 1).problem("smoothing", smoothing),
                     Self.baselineMinutesRange.problem("baseline_minutes", baselineMinutes),
                     ValueRange<Double>(above: 0, through: 1).problem("baseline_drop", baselineDrop)].compactMap { $0 }
        return problems
    }
}
