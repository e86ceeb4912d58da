/// Batch norm with frozen running statistics: y = γ·(x − μ)/√(σ² + ε) + β per channel.
///
/// blurd trains without batch norm; this layer exists so nets trained elsewhere can be
/// described, and `Network(model:)` folds it into the preceding convolution.
final class BatchNormLayer: NetworkLayer {
    let gamma: Parameter, beta: Parameter
    let mean: Parameter, variance: Parameter
    let epsilon: Float

    init(gamma: Parameter, beta: Parameter, mean: Parameter, variance: Parameter, epsilon: Float) {
        self.gamma = gamma; self.beta = beta; self.mean = mean; self.variance = variance
        self.epsilon = epsilon
    }

    private func invStd(_ c: Int) -> Float { 1 / (variance.value[c] + epsilon).squareRoot() }

    func forward(_ input: FeatureMap, reference: FeatureMap?, output: FeatureMap, scratch: ConvolutionScratch) {
        output.reshape(like: input)
        for b in 0..<input.n {
            for c in 0..<input.c {
                let scale = gamma.value[c] * invStd(c), shift = beta.value[c] - mean.value[c] * scale
                let x = input.plane(b, c), y = output.plane(b, c)
                for i in 0..<input.plane { y[i] = x[i] * scale + shift }
            }
        }
    }

    func backward(input: FeatureMap, reference: FeatureMap?, gradOutput: FeatureMap,
                  gradInput: FeatureMap?, gradReference: FeatureMap?, scratch: ConvolutionScratch) {
        for b in 0..<input.n {
            for c in 0..<input.c {
                let inv = invStd(c), mu = mean.value[c], scale = gamma.value[c] * inv
                let x = input.plane(b, c), dy = gradOutput.plane(b, c)
                var dGamma: Float = 0, dBeta: Float = 0
                for i in 0..<input.plane {
                    dGamma += dy[i] * (x[i] - mu) * inv
                    dBeta += dy[i]
                }
                gamma.grad[c] += dGamma
                beta.grad[c] += dBeta
                if let gradInput {
                    let dx = gradInput.plane(b, c)
                    for i in 0..<input.plane { dx[i] += dy[i] * scale }
                }
            }
        }
    }
}
