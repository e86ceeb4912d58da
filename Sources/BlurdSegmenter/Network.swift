import BlurdCore

/// fp32 network built from a NetworkSpec: inference and training share it.
///
/// A network owns every activation, gradient and im2col buffer and reuses them between calls
/// of the same shape, so it is not thread-safe: give each worker its own instance.
public final class Network {
    public let spec: NetworkSpec
    let plan: NetworkPlan
    /// Learnable tensors: for each conv layer weight [out, in/groups, k, k] then bias [out];
    /// for each bn layer gamma then beta.
    public let parameters: [Parameter]
    /// Batch-norm running mean and variance (empty for nets without bn); saved, never trained.
    public let statistics: [Parameter]
    let layers: [NetworkLayer]
    private let scratch = ConvolutionScratch()
    /// values[0] is the input, values[i + 1] the output of layer i.
    let values: [FeatureMap]
    private let gradients: [FeatureMap]
    private var hasTrainingForward = false

    /// He-normal weights, zero biases, identity batch norm; the same seed gives the same net.
    /// The spec must be valid (`spec.validate()` says why one is not).
    public convenience init(spec: NetworkSpec, seed: UInt64) {
        let plan: NetworkPlan
        do { plan = try NetworkPlan(spec: spec) } catch { preconditionFailure("\(error)") }
        var random = SeededRandom(seed: seed)
        self.init(plan: plan) { name, shape in
            let count = shape.reduce(1, *)
            if name.hasSuffix(".weight") {
                let std = (2 / Float(shape.dropFirst().reduce(1, *))).squareRoot()
                return (0..<count).map { _ in random.normal() * std }
            }
            let one = name.hasSuffix(".gamma") || name.hasSuffix(".running_var")
            return [Float](repeating: one ? 1 : 0, count: count)
        }
    }

    /// fp32 weights from a model file, with batch norm folded into the preceding convolutions.
    public convenience init(model: ModelFile) throws {
        try ModelFile.validate(spec: model.spec, tensors: model.tensors)
        let folded = try BatchNormFolding.fold(spec: model.spec, tensors: model.tensors)
        let plan: NetworkPlan
        do { plan = try NetworkPlan(spec: folded.spec) } catch { throw ModelFileError.malformed("\(error)") }
        self.init(plan: plan) { name, _ in folded.values[name]! }
    }

    init(plan: NetworkPlan, initialValue: (String, [Int]) -> [Float]) {
        self.spec = plan.spec
        self.plan = plan
        parameters = plan.parameterShapes.map { Parameter(name: $0.name, shape: $0.shape, value: initialValue($0.name, $0.shape)) }
        statistics = plan.statisticShapes.map { Parameter(name: $0.name, shape: $0.shape, value: initialValue($0.name, $0.shape)) }
        let byName = Dictionary(uniqueKeysWithValues: (parameters + statistics).map { ($0.name, $0) })
        layers = plan.steps.enumerated().map { i, step -> NetworkLayer in
            switch step.layer.op {
            case .conv:
                return ConvolutionLayer(inChannels: step.inChannels, outChannels: step.outChannels, layer: step.layer,
                                        weight: byName[ParameterName.weight(i)]!, bias: byName[ParameterName.bias(i)]!)
            case .bn:
                return BatchNormLayer(gamma: byName[ParameterName.gamma(i)]!, beta: byName[ParameterName.beta(i)]!,
                                      mean: byName[ParameterName.runningMean(i)]!,
                                      variance: byName[ParameterName.runningVariance(i)]!, epsilon: step.layer.epsilon)
            case .maxpool, .avgpool: return PoolingLayer(layer: step.layer)
            case .up: return UpsampleLayer(layer: step.layer)
            case .concat: return ConcatLayer()
            case .add: return AddLayer()
            case .gap: return GlobalPoolingLayer()
            }
        }
        values = (0...plan.steps.count).map { _ in FeatureMap() }
        gradients = (0...plan.steps.count).map { _ in FeatureMap() }
    }

    /// Logits (no final sigmoid). When `training` is true, activations are cached for `backward`.
    public func forward(_ input: Tensor, training: Bool = false) -> Tensor {
        load(input)
        runLayers()
        hasTrainingForward = training
        let y = values.last!
        return Tensor(n: y.n, c: y.c, h: y.h, w: y.w, data: Array(UnsafeBufferPointer(start: y.data, count: y.count)))
    }

    /// Bytes held by activation, gradient and im2col buffers (they grow to the largest input seen).
    var reservedBytes: Int {
        let maps = (values + gradients).reduce(0) { $0 + $1.reservedFloats }
        return 4 * (maps + scratch.columns.capacity + scratch.columnGradients.capacity)
    }

    /// Copies `input` into values[0].
    func load(_ input: Tensor) {
        precondition(input.c == plan.spec.inChannels, "network expects \(plan.spec.inChannels) input channels, got \(input.c)")
        let x = values[0]
        x.reshape(n: input.n, c: input.c, h: input.h, w: input.w)
        if input.count > 0 { input.data.withUnsafeBufferPointer { x.data.update(from: $0.baseAddress!, count: input.count) } }
    }

    /// Runs the first `count` layers (all by default) on values[0] (already filled).
    func runLayers(count: Int? = nil) {
        for (i, step) in plan.steps.prefix(count ?? plan.steps.count).enumerated() {
            let output = values[i + 1]
            layers[i].forward(values[step.input], reference: step.reference.map { values[$0] }, output: output, scratch: scratch)
            step.layer.activation.apply(output, slope: step.layer.leakySlope)
        }
    }

    /// d(loss)/d(logits) in, accumulates into every Parameter.grad.
    public func backward(_ gradOutput: Tensor) {
        precondition(hasTrainingForward, "backward needs a preceding forward(_:training: true)")
        let y = values.last!
        precondition(gradOutput.n == y.n && gradOutput.c == y.c && gradOutput.h == y.h && gradOutput.w == y.w,
                     "gradient shape does not match the last forward's output")
        for (value, gradient) in zip(values, gradients).dropFirst() {
            gradient.reshape(like: value)
            gradient.zero()
        }
        if y.count > 0 { gradOutput.data.withUnsafeBufferPointer { gradients.last!.data.update(from: $0.baseAddress!, count: y.count) } }
        for (i, step) in plan.steps.enumerated().reversed() {
            let gradient = gradients[i + 1]
            step.layer.activation.backward(output: values[i + 1], grad: gradient, slope: step.layer.leakySlope)
            // The network input needs no gradient, and an `up` only reads its reference's size.
            var gradReference: FeatureMap? = nil
            if let r = step.reference, r > 0, step.layer.op != .up { gradReference = gradients[r] }
            layers[i].backward(input: values[step.input], reference: step.reference.map { values[$0] }, gradOutput: gradient,
                               gradInput: step.input == 0 ? nil : gradients[step.input], gradReference: gradReference,
                               scratch: scratch)
        }
    }

    public func zeroGrad() {
        for p in parameters { p.grad.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        plan.sizes(height: height, width: width).last!
    }

    /// In input pixels.
    public var receptiveField: Int { plan.receptiveField }
    /// Input pixels per output pixel (4 for the default net).
    public var outputStride: Int { plan.outputStride }
    /// 2 × MACs of the convolutions.
    public func flops(height: Int, width: Int) -> Double { plan.flops(height: height, width: width) }
}
