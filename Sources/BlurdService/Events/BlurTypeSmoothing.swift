import BlurdAnalysis

/// The blur type a `focus_lost` event reports: the exponential moving average of the frames'
/// defocus and motion fractions, with the weight the focus score is smoothed with
/// (`FocusThresholds.smoothing`), read by the frame rule (`BlurTypeSummary.dominant`). So the
/// event names the kind of blur of the frames that lowered the smoothed score, not of the one
/// frame that confirmed it. Frames without blur types (no_texture) leave it unchanged.
public struct BlurTypeSmoothing: Sendable {
    public let weight: Double
    private var defocus: Double?
    private var motion = 0.0

    public init(weight: Double) { self.weight = weight }

    /// Whether any frame with blur types was seen (a model with blur-type heads).
    public var typed: Bool { defocus != nil }

    public mutating func observe(_ summary: BlurTypeSummary?) {
        guard let summary else { return }
        if let previous = defocus {
            defocus = weight * summary.defocusFraction + (1 - weight) * previous
            motion = weight * summary.motionFraction + (1 - weight) * motion
        } else {
            defocus = summary.defocusFraction
            motion = summary.motionFraction
        }
    }

    /// The smoothed dominant type; nil before a typed frame or when under 1 % is blurred.
    public var dominant: BlurTypeSummary.Dominant? {
        defocus.flatMap { BlurTypeSummary.dominant(defocus: $0, motion: motion, counted: 1) }
    }
}
