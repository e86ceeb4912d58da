import BlurdCore
import CBlurdKernels
import Dispatch
import Foundation

/// Why a network cannot run in int8.
public struct QuantizedNetworkError: BlurdError {
    public let description: String
    init(_ description: String) { self.description = description }

    /// A model without an int8 form, used in int8: unusable as an option or config value.
    public var exitCode: Int32 { 2 }

    /// A stream's model is loaded and checked before its first connection, which fails the
    /// stream outright; met during a connection, it is retried like any analyzer failure.
    public var isRetryable: Bool { true }
}

/// The int8 form of a `Network`: u8 activations, s8 weights, int32 sums, fused requantize.
///
/// What is quantized and why:
/// - Every convolution of a spatial map, the first and the last included, runs in int8. The
///   first one reads the 8-bit luma itself: normalisation (x/255 − mean)/std is affine, so it
///   becomes the input scale 1/(255·std) and zero point 255·mean, folded into that layer's
///   weights and bias, and "same" padding uses round(255·mean), the code of a normalised 0.
/// - Weights: symmetric, per output channel, after folding the input's per-channel scales in.
/// - Activations: one scale per convolution output from calibration (percentile 99.99 by
///   default), zero point 0 after ReLU (an integer zero point otherwise), kept as u8 codes
///   between layers; bilinear resize works on codes, concat keeps both halves' parameters.
/// - The net's outputs are fp32 (`QuantizedValueForm.reals`): the last convolution, and every
///   convolution that reaches the output through concats only (blurseg-v3's blur logit and
///   type channels), requantize to fp32 reals instead of u8: those are the logits the 0.5
///   threshold and the type's argmax are taken on.
/// - Frame-level values (`gap` and the layers computed from it alone, blurseg-v3's context
///   branch) are fp32 vectors: `gap` averages the u8 codes exactly (integer sums), 1×1 convs of
///   the vector run in fp32 on the model's fp32 weights, and the broadcast `add` to a u8 map
///   requantizes to calibrated codes (`QuantizedBroadcastAdd`).
///
/// Supported layers: conv (groups 1; act relu or none, sigmoid on an output), bilinear up,
/// concat, gap, add of a frame-level vector (to a map or to another vector), branches
/// (`from`); batch norm must be folded first (`Network(model:)` does).
///
/// Like `Network`, an instance reuses its buffers between calls and is not thread-safe; it
/// can split each convolution's rows over `threads` threads itself.
public final class QuantizedNetwork {
    public let spec: NetworkSpec
    public let inputMean: Float
    public let inputStd: Float
    /// Threads each convolution splits its output rows over.
    public var threads = 1
    let layers: QuantizedLayers
    var plan: NetworkPlan { layers.plan }
    /// Per value (0: input, i + 1: output of layer i); nil for fp32 values.
    var quantization: [QuantizedActivationParameters?] { layers.quantization }
    /// The convolution of each conv layer on u8 codes, by layer index.
    var convolutions: [Int: QuantizedConvolution] { layers.convolutions }
    /// Fixed outputs of `gap` layers by layer index, for tiled frames (`setFrameContext`).
    var context: [Int: [Float]] = [:]
    private let values: [QuantizedBuffer]
    private let resizeScratch = QuantizedBuffer()

    init(spec: NetworkSpec, inputMean: Float, inputStd: Float, layers: QuantizedLayers) throws {
        // ReLU after up/concat is a no-op only on codes whose zero point is 0 (real ≥ 0).
        for (i, step) in layers.plan.steps.enumerated()
        where [.up, .concat].contains(step.layer.op) && step.layer.activation == .relu && layers.forms[i + 1] == .codes {
            guard layers.quantization[i + 1]?.zeroPoints.allSatisfy({ $0 == 0 }) ?? false else {
                throw QuantizedNetworkError("layer \(i): ReLU after \(step.layer.op.rawValue) of a signed tensor has no int8 form")
            }
        }
        self.spec = spec
        self.inputMean = inputMean
        self.inputStd = inputStd
        self.layers = layers
        values = (0...spec.layers.count).map { _ in QuantizedBuffer() }
    }

    /// Checks that every layer has an int8 implementation; the plan and how each value is held.
    static func validatedPlan(_ spec: NetworkSpec) throws -> (plan: NetworkPlan, forms: [QuantizedValueForm]) {
        let plan = try NetworkPlan(spec: spec)
        guard spec.inChannels == 1 else { throw QuantizedNetworkError("int8 input must be 1 channel (luma), spec has \(spec.inChannels)") }
        return (plan, try QuantizedValueForm.forms(of: plan))
    }

    /// Quantizes `network`, calibrating activation scales on `calibration` luma images
    /// (natural-looking frames like the ones it will see), layer by layer: each layer is
    /// calibrated on the outputs of the already-quantized layers before it, so the scales
    /// absorb the error upstream quantization introduces. Every image is run whole, so its
    /// `gap` layers average the whole image.
    public convenience init(network: Network, inputMean: Float, inputStd: Float, calibration: [GrayImage],
                            percentile: Double = 99.99) throws {
        let (plan, forms) = try Self.validatedPlan(network.spec)
        guard !calibration.isEmpty else { throw QuantizedNetworkError("calibration needs at least one image") }
        guard inputStd > 0 else { throw QuantizedNetworkError("input std must be positive") }
        let parameters = Dictionary(uniqueKeysWithValues: network.parameters.map { ($0.name, $0) })
        var layers = QuantizedLayers(plan: plan, forms: forms, input: Self.inputQuantization(mean: inputMean, std: inputStd))
        // values[image][v]: value v of each calibration image, in its engine form.
        let values = calibration.map { image -> [QuantizedBuffer] in
            let buffers = (0...plan.steps.count).map { _ in QuantizedBuffer() }
            buffers[0].reserve(image.pixels.count)
            image.pixels.withUnsafeBufferPointer { buffers[0].bytes.update(from: $0.baseAddress!, count: $0.count) }
            return buffers
        }
        let sizes = calibration.map { plan.sizes(height: $0.height, width: $0.width) }
        let threads = ProcessInfo.processInfo.activeProcessorCount, scratch = QuantizedBuffer()
        for (i, step) in plan.steps.enumerated() {
            let layer = step.layer, input = step.input
            func range(_ reals: [Float]) -> QuantizedActivationParameters {
                let range = QuantizedCalibration.range(of: reals, percentile: percentile, nonNegative: layer.activation == .relu)
                return QuantizedActivationParameters.covering(low: range.low, high: range.high, channels: step.outChannels)
            }
            var output: QuantizedActivationParameters? = nil
            switch layer.op {
            case .conv where forms[input] == .vector:
                layers.vectorConvolutions[i] = FrameVectorConvolution(
                    spec: layer, inChannels: step.inChannels, weight: parameters[ParameterName.weight(i)]!.value,
                    bias: parameters[ParameterName.bias(i)]!.value)
            case .conv:
                let weight = parameters[ParameterName.weight(i)]!.value, bias = parameters[ParameterName.bias(i)]!.value
                let (codes, scales) = QuantizedConvolution.quantize(weight: weight, outChannels: step.outChannels,
                                                                    input: layers.quantization[input]!,
                                                                    kernelArea: layer.kernel * layer.kernel)
                let conv = QuantizedConvolution(layer: i, spec: layer, inChannels: step.inChannels, input: layers.quantization[input]!,
                                                weights: codes, weightScales: scales, bias: bias)
                layers.convolutions[i] = conv
                if forms[i + 1] == .codes {
                    var reals: [Float] = []
                    for (image, size) in sizes.enumerated() {
                        let out = size[i + 1]
                        var buffer = [Float](repeating: 0, count: step.outChannels * out.height * out.width)
                        buffer.withUnsafeMutableBufferPointer { dst in
                            conv.run(input: values[image][input].bytes, height: size[input].height, width: size[input].width,
                                     into: .reals(dst.baseAddress!), threads: threads)
                        }
                        reals += buffer
                    }
                    output = range(reals)
                    conv.setOutput(output!)
                }
            case .add where forms[i + 1] == .codes:
                let (map, vector) = forms[input] == .codes ? (input, step.reference!) : (step.reference!, input)
                let add = QuantizedBroadcastAdd(layer: i, input: layers.quantization[map]!, relu: layer.activation == .relu)
                var reals: [Float] = []
                for (image, size) in sizes.enumerated() {
                    let plane = size[i + 1].height * size[i + 1].width
                    let codes = values[image][map].bytes, v = values[image][vector].floats
                    for c in 0..<step.outChannels {
                        for p in 0..<plane { reals.append(add.real(code: codes[c * plane + p], channel: c, vector: v[c])) }
                    }
                }
                output = range(reals)
                add.setOutput(output!)
                layers.broadcastAdds[i] = add
            case .up:
                output = layers.quantization[input]
            case .concat where forms[i + 1] == .codes:
                output = layers.quantization[input]! + layers.quantization[step.reference!]!
            default:  // gap, vector add, concat of fp32 values: fp32 outputs
                break
            }
            layers.quantization.append(output)
            for (image, size) in sizes.enumerated() {
                layers.run(i, values: values[image], sizes: size, threads: threads, context: [:], scratch: scratch)
            }
        }
        try self.init(spec: network.spec, inputMean: inputMean, inputStd: inputStd, layers: layers)
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        plan.sizes(height: height, width: width).last!
    }

    /// Logits [1, out, h, w] for an 8-bit luma image (no final sigmoid, like `Network.forward`).
    public func forward(_ luma: GrayImage) -> Tensor {
        load(luma)
        return run(height: luma.height, width: luma.width)
    }

    /// Logits for a normalised input tensor [n, 1, h, w] (as `Network.forward` takes it): each
    /// value is mapped back to its 8-bit luma code, which is exact for tensors made from luma.
    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.c == 1, "int8 network expects 1 input channel, got \(input.c)")
        var batches: [Tensor] = []
        for b in 0..<input.n {
            load(input, batch: b)
            batches.append(run(height: input.h, width: input.w))
        }
        guard let first = batches.first else {
            let out = outputSize(height: input.h, width: input.w)
            return Tensor(n: 0, c: plan.outChannels, h: out.height, w: out.width)
        }
        return Tensor(n: input.n, c: first.c, h: first.h, w: first.w, data: batches.flatMap(\.data))
    }

    private func load(_ luma: GrayImage) {
        values[0].reserve(luma.pixels.count)
        luma.pixels.withUnsafeBufferPointer { values[0].bytes.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// Image `batch` of a normalised tensor as luma codes in values[0].
    func load(_ input: Tensor, batch b: Int) {
        let plane = input.h * input.w
        values[0].reserve(plane)
        let codes = values[0].bytes
        for i in 0..<plane {
            let luma = (input.data[b * plane + i] * inputStd + inputMean) * 255
            codes[i] = UInt8(max(0, min(255, luma.rounded())))
        }
    }

    /// Runs the first `count` layers (all by default) on values[0] (already filled with luma
    /// codes); returns every value's size.
    @discardableResult
    func runLayers(height: Int, width: Int, count: Int? = nil) -> [(height: Int, width: Int)] {
        let sizes = plan.sizes(height: height, width: width)
        for i in 0..<(count ?? plan.steps.count) {
            layers.run(i, values: values, sizes: sizes, threads: threads, context: context, scratch: resizeScratch)
        }
        return sizes
    }

    /// Value `v`'s codes (after `runLayers`).
    func codes(of v: Int) -> UnsafePointer<UInt8> { UnsafePointer(values[v].bytes) }

    private func run(height: Int, width: Int) -> Tensor {
        let out = runLayers(height: height, width: width).last!
        let count = plan.outChannels * out.height * out.width
        let logits = Array(UnsafeBufferPointer(start: values[plan.steps.count].floats, count: count))
        return Tensor(n: 1, c: plan.outChannels, h: out.height, w: out.width, data: logits)
    }
}

extension QuantizedNetwork {
    /// Why `spec` has no int8 form (the first layer the int8 engine cannot run), or nil.
    public static func unsupportedReason(_ spec: NetworkSpec) -> String? {
        do {
            _ = try validatedPlan(spec)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
