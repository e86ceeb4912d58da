/// Folds every `bn` that directly follows a linear conv into that conv:
/// w' = w·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β, and the conv takes over the bn's activation
/// and `save`. A bn that cannot be folded (after an activation, or whose conv output is saved)
/// stays a layer. Tensors are renamed to the layer indices of the folded spec.
enum BatchNormFolding {
    static func fold(spec: NetworkSpec, tensors: [String: StoredTensor]) throws
        -> (spec: NetworkSpec, values: [String: [Float]]) {
        func f32(_ name: String) throws -> [Float] {
            guard let t = tensors[name] else { throw ModelFileError.missingTensor(name) }
            guard t.dtype == .f32 else { throw ModelFileError.malformed("tensor \(name) is not f32") }
            return t.f32
        }
        var layers: [LayerSpec] = []
        var values: [String: [Float]] = [:]
        var i = 0
        while i < spec.layers.count {
            var layer = spec.layers[i]
            let j = layers.count
            switch layer.op {
            case .conv:
                var weight = try f32(ParameterName.weight(i)), bias = try f32(ParameterName.bias(i))
                if i + 1 < spec.layers.count, spec.layers[i + 1].op == .bn, spec.layers[i + 1].from == nil,
                   layer.activation == .none, layer.save == nil {
                    let bn = spec.layers[i + 1]
                    let gamma = try f32(ParameterName.gamma(i + 1)), beta = try f32(ParameterName.beta(i + 1))
                    let mean = try f32(ParameterName.runningMean(i + 1)), variance = try f32(ParameterName.runningVariance(i + 1))
                    let channels = bias.count
                    guard gamma.count == channels, beta.count == channels, mean.count == channels, variance.count == channels,
                          weight.count % max(channels, 1) == 0 else {
                        throw ModelFileError.shapeMismatch(name: ParameterName.gamma(i + 1), expected: [channels], found: [gamma.count])
                    }
                    let perChannel = weight.count / max(channels, 1)
                    for c in 0..<channels {
                        let scale = gamma[c] / (variance[c] + bn.epsilon).squareRoot()
                        for k in 0..<perChannel { weight[c * perChannel + k] *= scale }
                        bias[c] = (bias[c] - mean[c]) * scale + beta[c]
                    }
                    layer.act = bn.activation
                    layer.alpha = bn.alpha
                    layer.save = bn.save
                    i += 1
                }
                values[ParameterName.weight(j)] = weight
                values[ParameterName.bias(j)] = bias
            case .bn:
                values[ParameterName.gamma(j)] = try f32(ParameterName.gamma(i))
                values[ParameterName.beta(j)] = try f32(ParameterName.beta(i))
                values[ParameterName.runningMean(j)] = try f32(ParameterName.runningMean(i))
                values[ParameterName.runningVariance(j)] = try f32(ParameterName.runningVariance(i))
            default:
                break
            }
            layers.append(layer)
            i += 1
        }
        return (NetworkSpec(name: spec.name, inChannels: spec.inChannels, layers: layers, heads: spec.heads), values)
    }
}
