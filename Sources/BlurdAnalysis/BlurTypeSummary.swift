import Foundation

/// What kind of blur a frame shows, from a net with blur-type heads (blurseg-v3): the
/// per-frame fields `defocus_fraction`, `motion_fraction`, `blur_type` and `motion_angle` of
/// the JSON Lines (docs/JSONL.md has the rule in words).
public struct BlurTypeSummary: Sendable, Equatable {
    /// The frame's dominant blur type.
    public enum Dominant: String, Sendable {
        case defocus, motion, mixed
    }

    /// Shares of the counted (textured) cells that are blurred and typed defocus, or motion;
    /// they add up to the frame's blurred fraction.
    public var defocusFraction: Double
    public var motionFraction: Double
    /// nil when fewer than `minimumBlurredShare` of the counted cells are blurred.
    public var dominant: Dominant?
    /// Degrees in [0, 180), to 0.1°: 0 = a horizontal smear, 90 = vertical, counter-clockwise
    /// on screen; nil unless motion dominates and its cells agree on a main direction.
    public var motionAngle: Double?

    public init(defocusFraction: Double, motionFraction: Double, dominant: Dominant?, motionAngle: Double?) {
        self.defocusFraction = defocusFraction
        self.motionFraction = motionFraction
        self.dominant = dominant
        self.motionAngle = motionAngle
    }

    /// Blurred share of the counted cells below which a frame has no blur type: a few stray
    /// cells of a sharp frame are not "mixed" blur.
    public static let minimumBlurredShare = 0.01
    /// Motion share of the blurred cells at and above which a frame is "motion" (and at and
    /// below one minus it, "defocus"); between the two it is "mixed".
    public static let dominantShare = 0.8
    /// The angle is reported when the motion cells' mean angle confidence and the length of
    /// their confidence-weighted mean (cos 2θ, sin 2θ) are both at least this.
    public static let angleAgreement = 0.5

    /// The dominant type of `defocus` and `motion` blurred cells out of `counted` (of a frame;
    /// or, for a shot, the sums of its frames' fractions out of its number of frames): nil
    /// under `minimumBlurredShare` blurred, else by `dominantShare` of the blurred part.
    public static func dominant(defocus: Double, motion: Double, counted: Double) -> Dominant? {
        let blurred = defocus + motion
        guard blurred > 0, blurred >= minimumBlurredShare * counted else { return nil }
        let share = motion / blurred
        return share >= dominantShare ? .motion : share <= 1 - dominantShare ? .defocus : .mixed
    }

    /// Accumulates the blurred cells of one frame.
    public struct Accumulator {
        private var counted = 0, defocus = 0, motion = 0
        private var confidenceSum = 0.0, cosSum = 0.0, sinSum = 0.0

        public init() {}

        /// A counted cell that is not blurred.
        public mutating func addSharp() { counted += 1 }

        /// A counted blurred cell: P(motion | blurred), (cos 2θ, sin 2θ) and P(one direction).
        public mutating func addBlurred(motionProbability: Float, cos2: Float, sin2: Float, angleConfidence: Float) {
            counted += 1
            guard motionProbability >= 0.5 else {
                defocus += 1
                return
            }
            motion += 1
            let weight = Double(min(1, max(0, angleConfidence)))
            confidenceSum += weight
            cosSum += weight * Double(cos2)
            sinSum += weight * Double(sin2)
        }

        public var summary: BlurTypeSummary {
            guard counted > 0 else { return BlurTypeSummary(defocusFraction: 0, motionFraction: 0, dominant: nil, motionAngle: nil) }
            let dominant = BlurTypeSummary.dominant(defocus: Double(defocus), motion: Double(motion), counted: Double(counted))
            var angle: Double?
            if dominant == .motion, confidenceSum / Double(motion) >= BlurTypeSummary.angleAgreement {
                let c = cosSum / confidenceSum, s = sinSum / confidenceSum
                if (c * c + s * s).squareRoot() >= BlurTypeSummary.angleAgreement {
                    // To the 0.1° the JSON writes, then wrapped, so 179.97° reads 0.0, never 180.0.
                    var degrees = (0.5 * atan2(s, c) * 180 / .pi * 10).rounded() / 10
                    if degrees < 0 { degrees += 180 }
                    angle = degrees >= 180 ? 0 : degrees
                }
            }
            return BlurTypeSummary(defocusFraction: Double(defocus) / Double(counted),
                                   motionFraction: Double(motion) / Double(counted), dominant: dominant, motionAngle: angle)
        }
    }
}
