import BlurdSegmenter

/// Global-norm gradient clipping: one bad batch (an almost-flat crop, a rare kernel) must not
/// throw the weights far.
public enum GradientClipping {
    /// Scales every gradient so their joint L2 norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    public static func clip(_ parameters: [Parameter], maxNorm: Float) -> Float {
        var sumOfSquares: Double = 0
        for parameter in parameters {
            for g in parameter.grad { sumOfSquares += Double(g * g) }
        }
        let norm = Float(sumOfSquares.squareRoot())
        if norm > maxNorm, norm.isFinite {
            let scale = maxNorm / norm
            for parameter in parameters {
                for i in parameter.grad.indices { parameter.grad[i] *= scale }
            }
        }
        return norm
    }
}
