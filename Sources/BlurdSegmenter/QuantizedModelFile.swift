import BlurdCore

/// The int8 entries of a model file, next to the fp32 ones, so one file carries both precisions.
///
/// For layer i of the (batch-norm-folded) spec:
/// - `layers.<i>.weight_i8` (a conv on a spatial map): i8 [out, in, k, k] with
///   per-output-channel `scales`. Code × scale is the weight times the scale of its input
///   channel (the input's per-channel scales are folded in before quantizing, see
///   `QuantizedConvolution`); the fp32 bias is shared.
/// - `layers.<i>.output_quant`: f32 [2, out], the calibrated output scales then zero points of
///   every layer whose output is u8 codes and is not derived from its inputs' parameters: a
///   conv that does not feed the output, and the broadcast `add` of a frame-level vector.
/// The input's parameters follow from `inputMean`/`inputStd`; up and concat derive theirs.
/// Frame-level layers (`gap`, convs of its vector) run in fp32 on the fp32 tensors and have no
/// int8 entries (`QuantizedValueForm`).
enum QuantizedTensorName {
    static func weight(_ layer: Int) -> String { "layers.\(layer).weight_i8" }
    static func outputQuantization(_ layer: Int) -> String { "layers.\(layer).output_quant" }
}

extension QuantizedNetwork: TileNetwork {
    /// Number of `gap` layers, in layer order (`NetworkFrameContext`).
    public var frameContextCount: Int { plan.contextValues.count }

    /// Fixes the output of the first `context.count` `gap` layers; pass [] after the frame.
    public func setFrameContext(_ context: [[Float]]) {
        let gaps = plan.contextValues.map { $0 - 1 }
        self.context = Dictionary(uniqueKeysWithValues: zip(gaps, context).map { ($0, $1) })
    }

    /// Runs the net up to `gap` layer `index` and returns, per channel, the real sum of that
    /// layer's input over the cells of the input-pixel rectangle [x0, x1) × [y0, y1), and the
    /// number of cells (as `Network.frameContextSum`; the sums are exact sums of the u8 codes).
    public func frameContextSum(_ input: Tensor, index: Int, x0: Int, y0: Int, x1: Int, y1: Int) -> (sums: [Double], cells: Int) {
        let gap = plan.contextValues[index] - 1
        let step = plan.steps[gap], stride = plan.valueStrides[step.input]
        var sums = [Double](repeating: 0, count: step.inChannels), cells = 0
        for b in 0..<input.n {
            load(input, batch: b)
            let size = runLayers(height: input.h, width: input.w, count: gap)[step.input]
            let rows = (y0 / stride)..<min(size.height, y1 / stride), columns = (x0 / stride)..<min(size.width, x1 / stride)
            let codeSums = QuantizedLayers.codeSums(codes(of: step.input), channels: step.inChannels, height: size.height,
                                                    width: size.width, rows: rows, columns: columns)
            let area = Double(rows.count * columns.count)
            for c in sums.indices { sums[c] += layers.dequantizedSum(codeSums[c], cells: area, channel: c, of: step.input) }
            cells += rows.count * columns.count
        }
        return (sums, cells)
    }
}

extension QuantizedNetwork {
    /// The input's parameters: luma codes with scale 1/(255·std) and zero point 255·mean.
    static func inputQuantization(mean: Float, std: Float) -> QuantizedActivationParameters {
        QuantizedActivationParameters(channels: 1, scale: 1 / (255 * std), zeroPoint: 255 * mean)
    }

    /// The int8 tensors to add to a model file's `tensors`.
    public var storedTensors: [String: StoredTensor] {
        var tensors: [String: StoredTensor] = [:]
        for (i, conv) in convolutions {
            tensors[QuantizedTensorName.weight(i)] = StoredTensor(
                i8: conv.weights, shape: [conv.outChannels, conv.inChannels, conv.kernel, conv.kernel], scales: conv.weightScales)
            if let output = conv.output {
                tensors[QuantizedTensorName.outputQuantization(i)] = StoredTensor(f32: output.scales + output.zeroPoints,
                                                                                 shape: [2, conv.outChannels])
            }
        }
        for (i, add) in layers.broadcastAdds {
            if let output = add.output {
                tensors[QuantizedTensorName.outputQuantization(i)] = StoredTensor(f32: output.scales + output.zeroPoints,
                                                                                 shape: [2, add.channels])
            }
        }
        return tensors
    }

    /// The int8 network stored in a model file (written by `ModelFile.addInt8(calibration:)`).
    public convenience init(model: ModelFile) throws {
        let folded = try BatchNormFolding.fold(spec: model.spec, tensors: model.tensors)
        let (plan, forms) = try Self.validatedPlan(folded.spec)
        var layers = QuantizedLayers(plan: plan, forms: forms, input: Self.inputQuantization(mean: model.inputMean, std: model.inputStd))
        func fp32(_ name: String, count: Int) throws -> [Float] {
            guard let values = folded.values[name], values.count == count else { throw ModelFileError.missingTensor(name) }
            return values
        }
        /// The stored output parameters of layer i.
        func output(_ i: Int, relu: Bool, channels: Int) throws -> QuantizedActivationParameters {
            let name = QuantizedTensorName.outputQuantization(i)
            guard let stored = model.tensors[name] else { throw ModelFileError.missingTensor(name) }
            guard stored.dtype == .f32, stored.shape == [2, channels] else {
                throw ModelFileError.shapeMismatch(name: name, expected: [2, channels], found: stored.shape)
            }
            let scales = Array(stored.f32[0..<channels]), zeroPoints = Array(stored.f32[channels...])
            guard scales.allSatisfy({ $0 > 0 && $0.isFinite }),
                  zeroPoints.allSatisfy({ $0 >= 0 && $0 <= 255 && $0 == $0.rounded() }),
                  !relu || zeroPoints.allSatisfy({ $0 == 0 }) else {
                throw ModelFileError.malformed("\(name) needs positive scales and integer zero points in 0...255 (0 after ReLU)")
            }
            return QuantizedActivationParameters(scales: scales, zeroPoints: zeroPoints)
        }
        for (i, step) in plan.steps.enumerated() {
            let layer = step.layer, input = step.input, relu = layer.activation == .relu
            var parameters: QuantizedActivationParameters? = nil
            switch layer.op {
            case .conv where forms[input] == .vector:
                layers.vectorConvolutions[i] = FrameVectorConvolution(
                    spec: layer, inChannels: step.inChannels,
                    weight: try fp32(ParameterName.weight(i), count: step.outChannels * step.inChannels),
                    bias: try fp32(ParameterName.bias(i), count: step.outChannels))
            case .conv:
                let shape = [step.outChannels, step.inChannels, layer.kernel, layer.kernel]
                guard let weight = model.tensors[QuantizedTensorName.weight(i)] else {
                    throw ModelFileError.missingTensor("\(QuantizedTensorName.weight(i)) (the model has no int8 weights; export with int8)")
                }
                guard weight.dtype == .i8, weight.shape == shape, weight.scales.count == step.outChannels,
                      weight.scales.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                    throw ModelFileError.malformed("\(QuantizedTensorName.weight(i)) must be i8 \(shape) with \(step.outChannels) positive scales")
                }
                let conv = QuantizedConvolution(layer: i, spec: layer, inChannels: step.inChannels, input: layers.quantization[input]!,
                                                weights: weight.i8, weightScales: weight.scales,
                                                bias: try fp32(ParameterName.bias(i), count: step.outChannels))
                if forms[i + 1] == .codes {
                    parameters = try output(i, relu: relu, channels: step.outChannels)
                    conv.setOutput(parameters!)
                }
                layers.convolutions[i] = conv
            case .add where forms[i + 1] == .codes:
                let map = forms[input] == .codes ? input : step.reference!
                let add = QuantizedBroadcastAdd(layer: i, input: layers.quantization[map]!, relu: relu)
                parameters = try output(i, relu: relu, channels: step.outChannels)
                add.setOutput(parameters!)
                layers.broadcastAdds[i] = add
            case .up:
                parameters = layers.quantization[input]
            case .concat where forms[i + 1] == .codes:
                parameters = layers.quantization[input]! + layers.quantization[step.reference!]!
            default:  // gap, vector add, concat of fp32 values
                break
            }
            layers.quantization.append(parameters)
        }
        try self.init(spec: folded.spec, inputMean: model.inputMean, inputStd: model.inputStd, layers: layers)
    }
}

extension ModelFile {
    /// Calibrates the int8 form of this model's fp32 net on `calibration` luma frames and adds
    /// its tensors, replacing any earlier int8 entries.
    public mutating func addInt8(calibration: [GrayImage], percentile: Double = 99.99) throws {
        let quantized = try QuantizedNetwork(network: try Network(model: self), inputMean: inputMean, inputStd: inputStd,
                                             calibration: calibration, percentile: percentile)
        tensors = tensors.filter { !$0.key.hasSuffix("_i8") && !$0.key.hasSuffix(".output_quant") }
        tensors.merge(quantized.storedTensors) { _, new in new }
    }
}
