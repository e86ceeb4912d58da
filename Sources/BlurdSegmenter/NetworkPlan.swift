/// A validated `NetworkSpec` with everything derived from it ahead of time: channels per
/// layer, which saved tensor a layer reads, parameter shapes and the geometry used by tiling.
///
/// Values are numbered: value 0 is the network input and value i + 1 the output of layer i.
struct NetworkPlan: Sendable {
    struct Step: Sendable {
        let layer: LayerSpec
        let inChannels: Int
        let outChannels: Int
        /// The value the layer reads: the previous layer's output, or saved tensor `from`.
        let input: Int
        /// The value a layer reads besides its input (`to` of `up`, `with` of `concat`/`add`).
        let reference: Int?
    }

    let spec: NetworkSpec
    let steps: [Step]
    /// Input pixels per pixel of every value.
    let valueStrides: [Int]
    /// Whether each value is frame-level (one vector per frame, computed from a `gap`).
    let frameLevel: [Bool]
    /// Values that are the output of a `gap` layer: the frame context a tiled run computes
    /// once per frame. Receptive field and reach leave them out (they see the whole frame).
    var contextValues: [Int] { steps.indices.filter { steps[$0].layer.op == .gap }.map { $0 + 1 } }
    let receptiveField: Int
    /// How far, in input pixels, an output pixel's receptive field reaches to either side of
    /// the pixel's own position (value pixel j at stride J sits at input J·j), over every
    /// phase of the grid. Resizes read off-centre windows, so this can exceed
    /// receptiveField / 2; it is what a tile's halo must cover.
    let reach: Int

    init(spec: NetworkSpec) throws {
        if let problem = NetworkSpec.channelsRange.problem("in_ch", spec.inChannels)
            ?? NetworkSpec.layerCountRange.problem("the number of layers", spec.layers.count) {
            throw NetworkSpecError(layer: -1, problem)
        }
        var saved: [String: Int] = [:]
        var channels = [spec.inChannels]
        var strides = [1]
        var fields = [1]
        var extents = [(lo: 0, hi: 0)]
        var frame = [false]
        var steps: [Step] = []
        for (i, layer) in spec.layers.enumerated() {
            func resolve(_ name: String?, _ field: String) throws -> Int {
                guard let name else { throw NetworkSpecError(layer: i, "\(layer.op.rawValue) needs '\(field)'") }
                guard let value = saved[name] else { throw NetworkSpecError(layer: i, "no saved tensor named '\(name)'") }
                return value
            }
            let input = layer.from == nil ? i : try resolve(layer.from, "from")
            let c = channels[input]
            var rf = fields[input], jump = strides[input], out = c
            var extent = extents[input]
            var isFrameLevel = frame[input]
            var reference: Int? = nil
            if isFrameLevel && (layer.op == .maxpool || layer.op == .avgpool || layer.op == .up
                                || (layer.op == .conv && layer.stride != 1)) {
                throw NetworkSpecError(layer: i, "\(layer.op.rawValue) of a frame-level (1×1) tensor: only stride-1 conv, bn, add and concat take one")
            }
            switch layer.op {
            case .conv:
                guard let o = layer.out else { throw NetworkSpecError(layer: i, "conv needs out") }
                if let problem = NetworkSpec.channelsRange.problem("out", o) ?? Self.windowProblem(layer)
                    ?? NetworkSpec.dilationRange.problem("d", layer.dilation) {
                    throw NetworkSpecError(layer: i, problem)
                }
                guard layer.groups > 0, c % layer.groups == 0, o % layer.groups == 0 else {
                    throw NetworkSpecError(layer: i, "groups \(layer.groups) must divide in \(c) and out \(o) channels")
                }
                out = o
                let pad = samePadding(kernel: layer.kernel, dilation: layer.dilation)
                extent = (extent.lo - pad * jump, extent.hi + (layer.dilation * (layer.kernel - 1) - pad) * jump)
                rf += layer.dilation * (layer.kernel - 1) * jump
                jump *= layer.stride
            case .maxpool, .avgpool:
                if let problem = Self.windowProblem(layer) { throw NetworkSpecError(layer: i, problem) }
                let pad = samePadding(kernel: layer.kernel, dilation: 1)
                extent = (extent.lo - pad * jump, extent.hi + (layer.kernel - 1 - pad) * jump)
                rf += (layer.kernel - 1) * jump
                jump *= layer.stride
            case .bn:
                break
            case .up:
                let r = try resolve(layer.to, "to")
                reference = r
                if layer.upsampleMode == .bilinear { rf += jump }  // two taps on the coarse grid
                extent = Self.resizeExtent(extent, from: jump, to: strides[r], bilinear: layer.upsampleMode == .bilinear)
                jump = strides[r]
            case .concat, .add:
                let r = try resolve(layer.with, "with")
                reference = r
                // An add broadcasts a frame-level operand over a spatial one; otherwise both
                // sides share one grid and level.
                let broadcast = layer.op == .add && frame[r] != isFrameLevel
                guard broadcast || frame[r] == isFrameLevel else {
                    throw NetworkSpecError(layer: i, "concat of a frame-level and a spatial tensor")
                }
                if broadcast {
                    if isFrameLevel {
                        (rf, jump, extent) = (fields[r], strides[r], extents[r])
                        isFrameLevel = false
                    }
                } else {
                    guard strides[r] == jump else {
                        throw NetworkSpecError(layer: i, "'\(layer.with!)' is at stride \(strides[r]), the input at \(jump)")
                    }
                    rf = max(rf, fields[r])
                    extent = (min(extent.lo, extents[r].lo), max(extent.hi, extents[r].hi))
                }
                if layer.op == .add {
                    guard channels[r] == c else {
                        throw NetworkSpecError(layer: i, "add of \(c) and \(channels[r]) channels")
                    }
                } else {
                    out = c + channels[r]
                }
            case .gap:
                guard !isFrameLevel else { throw NetworkSpecError(layer: i, "gap of a tensor that is frame-level already") }
                isFrameLevel = true
                // Frame-level values reach the whole frame; tiling supplies them, so they add
                // nothing to a tile's halo.
                rf = 1
                extent = (0, 0)
            }
            if let problem = NetworkSpec.channelsRange.problem("the output channels", out) {
                throw NetworkSpecError(layer: i, problem)
            }
            guard jump <= NetworkSpec.maximumTotalStride else {
                throw NetworkSpecError(layer: i, "total stride \(jump) exceeds \(NetworkSpec.maximumTotalStride)")
            }
            if layer.activation == .leaky && !(layer.leakySlope > 0 && layer.leakySlope.isFinite) {
                throw NetworkSpecError(layer: i, "leaky slope must be positive and finite")
            }
            if layer.op == .bn && !(layer.epsilon > 0 && layer.epsilon.isFinite) {
                throw NetworkSpecError(layer: i, "bn eps must be positive and finite")
            }
            steps.append(Step(layer: layer, inChannels: c, outChannels: out, input: input, reference: reference))
            channels.append(out)
            strides.append(jump)
            fields.append(rf)
            extents.append(extent)
            frame.append(isFrameLevel)
            if let name = layer.save { saved[name] = i + 1 }
        }
        guard !frame.last! else { throw NetworkSpecError(layer: spec.layers.count - 1, "the net's output is frame-level, not a map") }
        if let problem = Self.headsProblem(spec.heads, channels: channels.last!) {
            throw NetworkSpecError(layer: -1, problem)
        }
        self.spec = spec
        self.steps = steps
        self.valueStrides = strides
        self.frameLevel = frame
        self.receptiveField = fields.last!
        self.reach = max(-extents.last!.lo, extents.last!.hi)
    }

    /// What is wrong with a spec's heads for an output of `channels` channels, or nil: each
    /// needs a name, channels inside the output, no channel in two heads, and a `blur` head.
    private static func headsProblem(_ heads: [OutputHead]?, channels: Int) -> String? {
        guard let heads else { return nil }
        var used = Set<Int>(), names = Set<String>()
        for head in heads {
            guard !head.name.isEmpty, names.insert(head.name).inserted else { return "head names must be unique and non-empty" }
            let count = head.count ?? 1
            guard head.channel >= 0, count >= 1, count <= channels, head.channel <= channels - count else {
                return "head '\(head.name)' lies outside the output's \(channels) channels"
            }
            for c in head.channels { guard used.insert(c).inserted else { return "channel \(c) is in two heads" } }
        }
        guard heads.contains(where: { $0.name == OutputHead.blur && $0.channels.count == 1 && $0.kind != .linear }) else {
            return "the heads need a one-channel 'blur' head (logit or probability)"
        }
        return nil
    }

    /// What is wrong with the kernel or stride of a conv or pooling layer, or nil.
    private static func windowProblem(_ layer: LayerSpec) -> String? {
        NetworkSpec.kernelRange.problem("k", layer.kernel) ?? NetworkSpec.strideRange.problem("s", layer.stride)
    }

    /// The input extent of a resize from stride `coarse` to stride `fine`, taking the taps of
    /// `UpsampleLayer` for each phase of the fine grid (exact for integer ratios).
    private static func resizeExtent(_ extent: (lo: Int, hi: Int), from coarse: Int, to fine: Int, bilinear: Bool)
        -> (lo: Int, hi: Int) {
        let ratio = max(1, coarse / fine)
        var lo = Int.max, hi = Int.min
        for phase in 0..<ratio {
            let source = (Double(phase) + 0.5) / Double(ratio) - (bilinear ? 0.5 : 0)
            let first = Int(source.rounded(.down))
            let taps = bilinear ? [first, first + 1] : [first]
            for tap in taps {
                lo = min(lo, tap * coarse - phase * fine)
                hi = max(hi, tap * coarse - phase * fine)
            }
        }
        return (extent.lo + lo, extent.hi + hi)
    }

    var outChannels: Int { steps.last!.outChannels }
    var outputStride: Int { valueStrides.last! }
    /// The coarsest grid inside the net: inputs whose size is a multiple of it keep every
    /// resize ratio exact, which is what makes tiles stitch seamlessly.
    var alignment: Int { zip(valueStrides, frameLevel).filter { !$0.1 }.map(\.0).max()! }

    /// Spatial size of every value for an input of the given size.
    func sizes(height: Int, width: Int) -> [(height: Int, width: Int)] {
        var sizes = [(height: height, width: width)]
        for step in steps {
            let (h, w) = sizes[step.input]
            let l = step.layer
            switch l.op {
            case .conv:
                sizes.append((slidingOutputSize(h, kernel: l.kernel, stride: l.stride, dilation: l.dilation),
                              slidingOutputSize(w, kernel: l.kernel, stride: l.stride, dilation: l.dilation)))
            case .maxpool, .avgpool:
                sizes.append((slidingOutputSize(h, kernel: l.kernel, stride: l.stride, dilation: 1),
                              slidingOutputSize(w, kernel: l.kernel, stride: l.stride, dilation: 1)))
            case .up:
                sizes.append(sizes[step.reference!])
            case .add where frameLevel[step.input] && !frameLevel[step.reference!]:
                sizes.append(sizes[step.reference!])
            case .bn, .concat, .add:
                sizes.append((h, w))
            case .gap:
                sizes.append((1, 1))
            }
        }
        return sizes
    }

    /// 2 × multiply-adds of the convolutions (the usual FLOP count of a CNN).
    func flops(height: Int, width: Int) -> Double {
        let sizes = sizes(height: height, width: width)
        var total = 0.0
        for (i, step) in steps.enumerated() where step.layer.op == .conv {
            let l = step.layer
            let macs = l.kernel * l.kernel * (step.inChannels / l.groups) * step.outChannels
                * sizes[i + 1].height * sizes[i + 1].width
            total += 2 * Double(macs)
        }
        return total
    }

    /// Names and shapes of the learnable tensors, in `Network.parameters` order.
    var parameterShapes: [(name: String, shape: [Int])] {
        var shapes: [(name: String, shape: [Int])] = []
        for (i, step) in steps.enumerated() {
            let l = step.layer
            switch l.op {
            case .conv:
                shapes.append((ParameterName.weight(i), [step.outChannels, step.inChannels / l.groups, l.kernel, l.kernel]))
                shapes.append((ParameterName.bias(i), [step.outChannels]))
            case .bn:
                shapes.append((ParameterName.gamma(i), [step.outChannels]))
                shapes.append((ParameterName.beta(i), [step.outChannels]))
            default:
                break
            }
        }
        return shapes
    }

    /// Names and shapes of the batch-norm running statistics, in `Network.statistics` order.
    var statisticShapes: [(name: String, shape: [Int])] {
        steps.enumerated().filter { $0.element.layer.op == .bn }.flatMap { i, step in
            [(ParameterName.runningMean(i), [step.outChannels]), (ParameterName.runningVariance(i), [step.outChannels])]
        }
    }
}

extension NetworkSpec {
    /// Throws a `NetworkSpecError` naming the first layer that cannot be built; call it on
    /// specs read from files before `Network(spec:seed:)`, which treats a bad spec as a bug.
    public func validate() throws { _ = try NetworkPlan(spec: self) }
}

/// Tensor names in the model file and on `Parameter`: "layers.<index>.<role>".
enum ParameterName {
    static func weight(_ layer: Int) -> String { "layers.\(layer).weight" }
    static func bias(_ layer: Int) -> String { "layers.\(layer).bias" }
    static func gamma(_ layer: Int) -> String { "layers.\(layer).gamma" }
    static func beta(_ layer: Int) -> String { "layers.\(layer).beta" }
    static func runningMean(_ layer: Int) -> String { "layers.\(layer).running_mean" }
    static func runningVariance(_ layer: Int) -> String { "layers.\(layer).running_var" }
}

/// "Same" padding of a sliding window: d * (k - 1) / 2 on each side.
func samePadding(kernel: Int, dilation: Int) -> Int { dilation * (kernel - 1) / 2 }

/// Output length of a sliding window with "same" padding; 0 when the window does not fit.
func slidingOutputSize(_ size: Int, kernel: Int, stride: Int, dilation: Int) -> Int {
    let extent = dilation * (kernel - 1) + 1
    let padded = size + 2 * samePadding(kernel: kernel, dilation: dilation)
    return padded < extent ? 0 : (padded - extent) / stride + 1
}
