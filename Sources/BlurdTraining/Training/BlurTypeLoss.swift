import Foundation
import BlurdSegmenter

/// The loss of the blur-type heads, added to the blur map's BCE + Dice (`SegmentationLoss`):
///
///     typeWeight · BCE(motion logit, motion?) over the blurred cells
///   + angleWeight · |(c, s) − (cos 2θ, sin 2θ)|² over the blurred motion cells with a direction
///   + confidenceWeight · BCE(angle-confidence logit, the label's angle weight) over blurred motion cells
///
/// Each term is a weighted mean. A cell's type weight is its blurred fraction times its loss
/// weight (`TrainingBatch.target` × `.weight`: only blur the image shows is typed); the angle
/// term multiplies that by the label's angle weight (an isotropic shake teaches no direction).
/// Samples without a label (nothing blurred) add nothing. The weights keep the type heads'
/// gradients below the blur map's (BCE + Dice ≈ 0.3–0.6 late in a run) so the trunk the blur
/// map was tuned on moves little: a first choice, recorded in every checkpoint.
public struct BlurTypeLoss: Codable, Sendable, Equatable {
    public var typeWeight: Float
    public var angleWeight: Float
    public var confidenceWeight: Float

    public init(typeWeight: Float = 0.5, angleWeight: Float = 0.5, confidenceWeight: Float = 0.2) {
        self.typeWeight = typeWeight
        self.angleWeight = angleWeight
        self.confidenceWeight = confidenceWeight
    }

    /// The whole loss of a multi-head output: the blur channel through `segmentation`, the type
    /// channels here; the gradient covers every channel.
    public func evaluate(output: Tensor, layout: TypeHeadLayout, batch: TrainingBatch,
                         segmentation: SegmentationLoss) throws -> LossEvaluation {
        let plane = output.h * output.w, n = output.n
        guard output.c == layout.channels, batch.target.n == n, batch.target.h * batch.target.w == plane,
              batch.labels.count == n else {
            throw TrainingError.configuration("type loss: output \(output.n)×\(output.c)×\(output.h)×\(output.w) does not match the batch")
        }
        var blur = Tensor(n: n, c: 1, h: output.h, w: output.w)
        for b in 0..<n {
            let offset = (b * output.c + layout.blur) * plane
            for i in 0..<plane { blur.data[b * plane + i] = output.data[offset + i] }
        }
        var result = try segmentation.evaluate(logits: blur, target: batch.target, weight: batch.weight)
        var gradient = Tensor(n: n, c: output.c, h: output.h, w: output.w)
        for b in 0..<n {
            let offset = (b * output.c + layout.blur) * plane
            for i in 0..<plane { gradient.data[offset + i] = result.gradient.data[b * plane + i] }
        }

        var typeSum = 0.0, typeWeightSum = 0.0, angleSum = 0.0, angleWeightSum = 0.0
        var confidenceSum = 0.0, confidenceWeightSum = 0.0
        // Gradients before normalisation: divided by the weight sums once those are known.
        var typeGradient = [(index: Int, value: Float)](), angleGradient = [(index: Int, value: Float)]()
        var confidenceGradient = [(index: Int, value: Float)]()
        for b in 0..<n {
            guard let label = batch.labels[b] else { continue }
            let isMotion = label.type == .motion
            let (c2, s2) = label.doubleAngle
            let motionBase = (b * output.c + layout.motion) * plane
            let cosBase = (b * output.c + layout.angle) * plane, sinBase = cosBase + plane
            let confidenceBase = (b * output.c + layout.angleConfidence) * plane
            for i in 0..<plane {
                let w = batch.target.data[b * plane + i] * batch.weight.data[b * plane + i]
                guard w > 0 else { continue }
                let x = output.data[motionBase + i], y: Float = isMotion ? 1 : 0
                typeSum += Double(w * Self.binaryCrossEntropy(x, y))
                typeWeightSum += Double(w)
                typeGradient.append((motionBase + i, w * (Self.sigmoid(x) - y)))
                guard isMotion else { continue }
                let q = output.data[confidenceBase + i]
                confidenceSum += Double(w * Self.binaryCrossEntropy(q, label.angleWeight))
                confidenceWeightSum += Double(w)
                confidenceGradient.append((confidenceBase + i, w * (Self.sigmoid(q) - label.angleWeight)))
                let wa = w * label.angleWeight
                guard wa > 0 else { continue }
                let dc = output.data[cosBase + i] - c2, ds = output.data[sinBase + i] - s2
                angleSum += Double(wa * (dc * dc + ds * ds))
                angleWeightSum += Double(wa)
                angleGradient.append((cosBase + i, 2 * wa * dc))
                angleGradient.append((sinBase + i, 2 * wa * ds))
            }
        }
        func add(_ terms: [(index: Int, value: Float)], weight: Float, sum: Double) {
            guard sum > 0 else { return }
            let scale = weight / Float(sum)
            for term in terms { gradient.data[term.index] += term.value * scale }
        }
        add(typeGradient, weight: typeWeight, sum: typeWeightSum)
        add(angleGradient, weight: angleWeight, sum: angleWeightSum)
        add(confidenceGradient, weight: confidenceWeight, sum: confidenceWeightSum)
        result.typeCrossEntropy = typeWeightSum > 0 ? Float(typeSum / typeWeightSum) : 0
        result.angleError = angleWeightSum > 0 ? Float(angleSum / angleWeightSum) : 0
        result.angleConfidence = confidenceWeightSum > 0 ? Float(confidenceSum / confidenceWeightSum) : 0
        result.total += typeWeight * result.typeCrossEntropy + angleWeight * result.angleError
            + confidenceWeight * result.angleConfidence
        result.gradient = gradient
        return result
    }

    /// Stable BCE-with-logits: max(x, 0) − x·y + log(1 + e^−|x|).
    static func binaryCrossEntropy(_ x: Float, _ y: Float) -> Float { max(x, 0) - x * y + log1p(exp(-abs(x))) }

    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
}
