import Foundation

/// How well a net's type heads answer on synthetic samples whose kernel is known: the type
/// accuracy over blurred cells and the motion direction's error over motion cells with a
/// direction (issue 17's first target: accuracy ≥ 90 %, median angle error ≤ 15°).
public struct BlurTypeMetrics: Codable, Sendable, Equatable {
    /// Fraction of the counted blurred cells whose P(motion | blurred) ≥ ½ matches the kernel.
    public var typeAccuracy: Double
    /// Blurred cells counted (truth blurred fraction ≥ ½ and loss weight ≥ ½).
    public var blurredCells: Int
    /// Median and mean of |θ − θ̂| folded into [0°, 90°] over the counted motion cells whose
    /// label has an angle weight ≥ ½; nil when there were none.
    public var medianAngleError: Double?
    public var meanAngleError: Double?
    public var angleCells: Int

    public init(typeAccuracy: Double, blurredCells: Int, medianAngleError: Double?, meanAngleError: Double?, angleCells: Int) {
        self.typeAccuracy = typeAccuracy
        self.blurredCells = blurredCells
        self.medianAngleError = medianAngleError
        self.meanAngleError = meanAngleError
        self.angleCells = angleCells
    }
}

/// Collects `BlurTypeMetrics` cell by cell.
public struct BlurTypeMetricsAccumulator {
    private var correct = 0, counted = 0
    private var angleErrors: [Double] = []

    public init() {}

    /// One blurred cell: the net's motion probability and (cos 2θ̂, sin 2θ̂), against its label.
    public mutating func add(motionProbability: Float, doubleAngle: (cos: Float, sin: Float), label: BlurTypeLabel) {
        counted += 1
        if (motionProbability >= 0.5) == (label.type == .motion) { correct += 1 }
        guard label.type == .motion, label.angleWeight >= 0.5 else { return }
        angleErrors.append(Self.angleError(predicted: doubleAngle, truth: label.angle))
    }

    /// |θ − θ̂| in degrees folded into [0, 90], θ̂ = ½·atan2(sin, cos).
    public static func angleError(predicted: (cos: Float, sin: Float), truth: Float) -> Double {
        let estimate = 0.5 * atan2(Double(predicted.sin), Double(predicted.cos))
        var difference = abs(estimate - Double(truth)).truncatingRemainder(dividingBy: .pi)
        if difference > .pi / 2 { difference = .pi - difference }
        return difference * 180 / .pi
    }

    public var metrics: BlurTypeMetrics {
        let sorted = angleErrors.sorted()
        let median: Double? = sorted.isEmpty ? nil
            : sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        return BlurTypeMetrics(typeAccuracy: counted > 0 ? Double(correct) / Double(counted) : 0, blurredCells: counted,
                               medianAngleError: median,
                               meanAngleError: sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count),
                               angleCells: sorted.count)
    }
}
