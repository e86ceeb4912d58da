import Foundation
import BlurdSegmenter

/// The value of the training loss on one batch and its gradient with respect to the logits.
public struct LossEvaluation {
    public var total: Float
    public var binaryCrossEntropy: Float
    public var dice: Float
    /// d(total)/d(logits), shaped like the logits.
    public var gradient: Tensor
    /// The type heads' terms (`BlurTypeLoss`), before their weights; 0 for a blur-only net.
    public var typeCrossEntropy: Float = 0
    public var angleError: Float = 0
    public var angleConfidence: Float = 0
}

/// BCE-with-logits plus a soft Dice term on sigmoid(logits), both against soft targets in [0, 1]
/// and with a weight per cell (`TrainingSample.weight`: 0 where the truth cannot be seen).
///
/// BCE is the weighted mean over the weighted cells; Dice's sums are weighted too, so a cell of
/// weight 0 contributes nothing to either term nor to the gradient. BCE alone is dominated by the easy pixels of large sharp areas; Dice is taken over the whole
/// batch (not per sample) so an all-sharp crop, which has no blurred pixel, does not produce a
/// huge gradient from an almost-empty denominator.
public struct SegmentationLoss: Codable, Sendable, Equatable {
    public var diceWeight: Float
    /// Smoothing added to Dice's numerator and denominator.
    public var diceSmoothing: Float

    public init(diceWeight: Float = 1, diceSmoothing: Float = 1) {
        self.diceWeight = diceWeight
        self.diceSmoothing = diceSmoothing
    }

    /// `weight` (shaped like the target, nil = all ones) scales each cell's share of the loss.
    public func evaluate(logits: Tensor, target: Tensor, weight: Tensor? = nil) throws -> LossEvaluation {
        for other in [target] + (weight.map { [$0] } ?? []) {
            guard logits.n == other.n, logits.c == other.c, logits.h == other.h, logits.w == other.w else {
                throw TrainingError.configuration(
                    "loss: logits \(logits.n)×\(logits.c)×\(logits.h)×\(logits.w) vs target or weight \(other.n)×\(other.c)×\(other.h)×\(other.w)")
            }
        }
        let count = logits.data.count
        guard count > 0 else { throw TrainingError.configuration("loss: empty batch") }
        let weights = weight?.data ?? [Float](repeating: 1, count: count)
        let weightSum = weights.reduce(0, +)
        // A batch whose every cell is unobservable (possible only for tiny crops) teaches nothing.
        let inverseCount = weightSum > 0 ? 1 / weightSum : 0
        var probability = [Float](repeating: 0, count: count)
        var bceSum: Double = 0, intersection: Double = 0, probabilitySum: Double = 0, targetSum: Double = 0
        for i in 0..<count {
            let x = logits.data[i], y = target.data[i], w = weights[i]
            // Stable form: max(x, 0) − x·y + log(1 + e^−|x|).
            bceSum += Double(w * (max(x, 0) - x * y + log1p(exp(-abs(x)))))
            let p = 1 / (1 + exp(-x))
            probability[i] = p
            intersection += Double(w * p * y)
            probabilitySum += Double(w * p)
            targetSum += Double(w * y)
        }
        let smoothing = Double(diceSmoothing)
        let denominator = probabilitySum + targetSum + smoothing
        let numerator = 2 * intersection + smoothing
        let dice = 1 - numerator / denominator

        var gradient = Tensor(n: logits.n, c: logits.c, h: logits.h, w: logits.w)
        let weight = Double(diceWeight)
        for i in 0..<count {
            let p = Double(probability[i]), y = Double(target.data[i]), w = Double(weights[i])
            // d(1 − N/D)/dp = −w·(2y·D − N) / D², chained through dp/dx = p(1 − p).
            let dDiceDp = -w * (2 * y * denominator - numerator) / (denominator * denominator)
            let dBce = Float(w * (p - y)) * inverseCount
            gradient.data[i] = dBce + Float(weight * dDiceDp * p * (1 - p))
        }
        let bce = Float(bceSum) * inverseCount
        return LossEvaluation(total: bce + diceWeight * Float(dice), binaryCrossEntropy: bce,
                              dice: Float(dice), gradient: gradient)
    }
}
