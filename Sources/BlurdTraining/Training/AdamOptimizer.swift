import Foundation
import BlurdSegmenter

/// Adam (Kingma & Ba 2015) with bias correction, over a fixed list of parameters.
///
/// The moments are plain arrays in `Network.parameters` order so a checkpoint can store and
/// restore them exactly; `step` counts the updates made (the t of the bias correction).
public final class AdamOptimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public private(set) var step: Int
    public private(set) var firstMoments: [[Float]]
    public private(set) var secondMoments: [[Float]]

    /// Fresh optimizer state (zero moments) for parameters of the given element counts.
    public init(parameterCounts: [Int], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.step = 0
        self.firstMoments = parameterCounts.map { [Float](repeating: 0, count: $0) }
        self.secondMoments = parameterCounts.map { [Float](repeating: 0, count: $0) }
    }

    /// Restores saved state; the moment shapes must match each other.
    public init(step: Int, firstMoments: [[Float]], secondMoments: [[Float]],
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) throws {
        guard step >= 0, firstMoments.map(\.count) == secondMoments.map(\.count) else {
            throw TrainingError.checkpoint("optimizer moments do not match each other")
        }
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.step = step
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }

    /// One update: θ ← θ − lr · m̂ / (√v̂ + ε), from each parameter's current `grad`.
    public func update(_ parameters: [Parameter], learningRate: Float) throws {
        guard parameters.map(\.value.count) == firstMoments.map(\.count) else {
            throw TrainingError.checkpoint("optimizer state does not match the network's parameters")
        }
        step += 1
        let t = Float(step)
        let correction1 = 1 - pow(beta1, t)
        let correction2 = 1 - pow(beta2, t)
        let b1 = beta1, b2 = beta2, eps = epsilon
        for (index, parameter) in parameters.enumerated() {
            let count = parameter.value.count
            parameter.value.withUnsafeMutableBufferPointer { value in
                parameter.grad.withUnsafeBufferPointer { grad in
                    firstMoments[index].withUnsafeMutableBufferPointer { m in
                        secondMoments[index].withUnsafeMutableBufferPointer { v in
                            for i in 0..<count {
                                let g = grad[i]
                                m[i] = b1 * m[i] + (1 - b1) * g
                                v[i] = b2 * v[i] + (1 - b2) * g * g
                                let mHat = m[i] / correction1
                                let vHat = v[i] / correction2
                                value[i] -= learningRate * mHat / (vHat.squareRoot() + eps)
                            }
                        }
                    }
                }
            }
        }
    }
}
