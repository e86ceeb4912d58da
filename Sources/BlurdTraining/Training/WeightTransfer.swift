import BlurdSegmenter

/// Starts a net of one architecture from the trained weights of another (`blurd train --init`
/// with a model of a different spec), e.g. blurseg-v3 from blurseg-v2.
///
/// The rule: the conv layers of both nets are walked in order, and each conv of the new net
/// takes the weights of the source's next not-yet-used conv when the two have the same weight
/// shape, stride, dilation, groups and activation; every conv of the source must find its
/// place, or the transfer is refused. A new conv that feeds an `add` (a branch that is added
/// onto transferred features, like blurseg-v3's context) starts at zero, so the new net
/// computes exactly what the source computed until training moves it. A new conv whose output
/// reaches the net's output through no other conv (the last conv of a new head) starts at zero
/// too: a He-initialised head emits values in the tens, whose loss and gradient would dwarf
/// the trained blur map's and, through the global gradient clip, move the trunk for nothing.
/// Other new convs keep their He initialisation.
public enum WeightTransfer {
    /// Copies `source`'s conv weights into `network`; returns "source layer → new layer" pairs.
    @discardableResult
    public static func apply(from source: ModelFile, to network: Network) throws -> [(source: Int, target: Int)] {
        let trained = try Network(model: source)
        let sourceParameters = Dictionary(uniqueKeysWithValues: trained.parameters.map { ($0.name, $0) })
        let targetParameters = Dictionary(uniqueKeysWithValues: network.parameters.map { ($0.name, $0) })
        let sourceConvs = trained.spec.layers.indices.filter { trained.spec.layers[$0].op == .conv }
        var next = 0
        var pairs: [(source: Int, target: Int)] = []
        let layers = network.spec.layers
        for (i, layer) in layers.enumerated() where layer.op == .conv {
            guard let weight = targetParameters["layers.\(i).weight"], let bias = targetParameters["layers.\(i).bias"] else {
                continue
            }
            if next < sourceConvs.count {
                let j = sourceConvs[next], other = trained.spec.layers[j]
                if let sourceWeight = sourceParameters["layers.\(j).weight"], let sourceBias = sourceParameters["layers.\(j).bias"],
                   sourceWeight.shape == weight.shape, other.stride == layer.stride, other.dilation == layer.dilation,
                   other.groups == layer.groups, other.activation == layer.activation {
                    weight.value = sourceWeight.value
                    bias.value = sourceBias.value
                    pairs.append((j, i))
                    next += 1
                    continue
                }
            }
            if feedsAdd(i, layers) || endsAHead(i, layers) {
                weight.value = [Float](repeating: 0, count: weight.value.count)
                bias.value = [Float](repeating: 0, count: bias.value.count)
            }
        }
        guard next == sourceConvs.count else {
            throw TrainingError.configuration("the initial model's architecture (\(trained.spec.name)) does not carry over to \(network.spec.name): its conv layer \(sourceConvs[next]) has no counterpart of the same shape, in order")
        }
        return pairs
    }

    /// Whether layer `i`'s output reaches the last layer's output through `concat` and `up`
    /// layers only.
    private static func endsAHead(_ i: Int, _ layers: [LayerSpec]) -> Bool {
        var carriers: Set<Int> = [i]
        var names = Set(layers[i].save.map { [$0] } ?? [])
        for j in (i + 1)..<max(i + 1, layers.count) {
            let layer = layers[j]
            let input = layer.from.map { names.contains($0) } ?? carriers.contains(j - 1)
            let reference = (layer.with ?? layer.to).map { names.contains($0) } ?? false
            guard input || reference else { continue }
            guard layer.op == .concat || (layer.op == .up && input) else { return false }
            carriers.insert(j)
            if let name = layer.save { names.insert(name) }
        }
        return carriers.contains(layers.count - 1)
    }

    /// Whether layer `i`'s output goes straight into an `add` (as its input or its `with`).
    private static func feedsAdd(_ i: Int, _ layers: [LayerSpec]) -> Bool {
        if i + 1 < layers.count, layers[i + 1].op == .add, layers[i + 1].from == nil { return true }
        guard let name = layers[i].save else { return false }
        return layers.contains { $0.op == .add && ($0.with == name || $0.from == name) }
    }
}
