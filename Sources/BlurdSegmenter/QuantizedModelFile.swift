import BlurdCore

/// The int8 entries of a model file, next to the fp32 ones, so one file carries both precisions.
///
/// For conv layer i of the (batch-norm-folded) spec:
/// - `layers.<i>.weight_i8`: i8 [out, in, k, k] with per-output-channel `scales`. Code × scale
///   is the weight times the scale of its input channel (the input's per-channel scales are
///   folded in before quantizing, see `QuantizedConvolution`); the fp32 bias is shared.
/// - `layers.<i>.output_quant`: f32 [2, out], the calibrated output scales then zero points
///   (every conv but the last, whose output is fp32).
/// The input's parameters follow from `inputMean`/`inputStd`; up and concat derive theirs.
enum QuantizedTensorName {
    static func weight(_ layer: Int) -> String { "layers.\(layer).weight_i8" }
    static func outputQuantization(_ layer: Int) -> String { "layers.\(layer).output_quant" }
}

extension QuantizedNetwork: TileNetwork {
    /// The int8 engine has no `gap` (`validatedPlan` refuses one), so never a frame context.
    public var frameContextCount: Int { 0 }
    public func setFrameContext(_ context: [[Float]]) {}
    public func frameContextSum(_ input: Tensor, index: Int, x0: Int, y0: Int, x1: Int, y1: Int) -> (sums: [Double], cells: Int) {
        preconditionFailure("an int8 network has no frame context")
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
        return tensors
    }

    /// The int8 network stored in a model file (written by `ModelFile.addInt8(calibration:)`).
    public convenience init(model: ModelFile) throws {
        let folded = try BatchNormFolding.fold(spec: model.spec, tensors: model.tensors)
        let plan = try Self.validatedPlan(folded.spec)
        var quantization: [QuantizedActivationParameters?] = [Self.inputQuantization(mean: model.inputMean, std: model.inputStd)]
        var convolutions: [Int: QuantizedConvolution] = [:]
        let last = plan.steps.count - 1
        for (i, step) in plan.steps.enumerated() {
            let layer = step.layer
            switch layer.op {
            case .conv:
                let shape = [step.outChannels, step.inChannels, layer.kernel, layer.kernel]
                guard let weight = model.tensors[QuantizedTensorName.weight(i)] else {
                    throw ModelFileError.missingTensor("\(QuantizedTensorName.weight(i)) (the model has no int8 weights; export with int8)")
                }
                guard weight.dtype == .i8, weight.shape == shape, weight.scales.count == step.outChannels,
                      weight.scales.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                    throw ModelFileError.malformed("\(QuantizedTensorName.weight(i)) must be i8 \(shape) with \(step.outChannels) positive scales")
                }
                guard let bias = folded.values[ParameterName.bias(i)], bias.count == step.outChannels else {
                    throw ModelFileError.missingTensor(ParameterName.bias(i))
                }
                let conv = QuantizedConvolution(layer: i, spec: layer, inChannels: step.inChannels, input: quantization[i]!,
                                                weights: weight.i8, weightScales: weight.scales, bias: bias)
                if i == last {
                    quantization.append(nil)
                } else {
                    let name = QuantizedTensorName.outputQuantization(i)
                    guard let stored = model.tensors[name] else { throw ModelFileError.missingTensor(name) }
                    guard stored.dtype == .f32, stored.shape == [2, step.outChannels] else {
                        throw ModelFileError.shapeMismatch(name: name, expected: [2, step.outChannels], found: stored.shape)
                    }
                    let scales = Array(stored.f32[0..<step.outChannels]), zeroPoints = Array(stored.f32[step.outChannels...])
                    guard scales.allSatisfy({ $0 > 0 && $0.isFinite }),
                          zeroPoints.allSatisfy({ $0 >= 0 && $0 <= 255 && $0 == $0.rounded() }),
                          layer.activation != .relu || zeroPoints.allSatisfy({ $0 == 0 }) else {
                        throw ModelFileError.malformed("\(name) needs positive scales and integer zero points in 0...255 (0 after ReLU)")
                    }
                    let output = QuantizedActivationParameters(scales: scales, zeroPoints: zeroPoints)
                    conv.setOutput(output)
                    quantization.append(output)
                }
                convolutions[i] = conv
            case .up:
                quantization.append(quantization[i])
            default:  // concat
                quantization.append(quantization[i]! + quantization[step.reference!]!)
            }
        }
        try self.init(spec: folded.spec, inputMean: model.inputMean, inputStd: model.inputStd, quantization: quantization,
                      convolutions: convolutions)
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
