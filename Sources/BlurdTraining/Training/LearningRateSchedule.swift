import Foundation

/// Linear warm-up to the peak rate, then cosine decay to `floorFraction` of it.
///
/// Decay follows `progress` in [0, 1] (iterations done over the iteration budget, or training
/// time over the time budget), so the same schedule serves `--iterations` and `--minutes`.
public struct LearningRateSchedule: Codable, Sendable, Equatable {
    public var peak: Float
    public var warmupIterations: Int
    /// The final rate as a fraction of the peak.
    public var floorFraction: Float

    public init(peak: Float, warmupIterations: Int, floorFraction: Float = 0.02) {
        self.peak = peak
        self.warmupIterations = warmupIterations
        self.floorFraction = floorFraction
    }

    public func rate(iteration: Int, progress: Double) -> Float {
        if iteration < warmupIterations {
            return peak * Float(iteration + 1) / Float(warmupIterations)
        }
        let clamped = min(1, max(0, progress))
        let cosine = Float(0.5 * (1 + cos(Double.pi * clamped)))
        return peak * (floorFraction + (1 - floorFraction) * cosine)
    }
}
