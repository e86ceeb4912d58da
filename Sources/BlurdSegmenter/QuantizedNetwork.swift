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
/// - Every convolution, the first and the last included, runs in int8. The first one reads
///   the 8-bit luma itself: normalisation (x/255 − mean)/std is affine, so it becomes the input
///   scale 1/(255·std) and zero point 255·mean, folded into that layer's weights and bias, and
///   "same" padding uses round(255·mean), the code of a normalised 0.
/// - Weights: symmetric, per output channel, after folding the input's per-channel scales in.
/// - Activations: one scale per convolution output from calibration (percentile 99.99 by
///   default), zero point 0 after ReLU (an integer zero point otherwise), kept as u8 codes
///   between layers; bilinear resize works on codes, concat keeps both halves' parameters.
/// - The last convolution requantizes to fp32 reals instead of u8: those are the logits the
///   0.5 threshold is taken on, and a 1-channel fp32 plane costs nothing.
///
/// Supported layers: conv (groups 1; act relu or none, sigmoid on the last layer), bilinear
/// up, concat; batch norm must be folded first (`Network(model:)` does).
///
/// Like `Network`, an instance reuses its buffers between calls and is not thread-safe; it
/// can split each convolution's rows over `threads` threads itself.
public final class QuantizedNetwork {
    public let spec: NetworkSpec
    public let inputMean: Float
    public let inputStd: Float
    /// Threads each convolution splits its output rows over.
    public var threads = 1
    let plan: NetworkPlan
    /// Per value (0: input, i + 1: output of layer i); nil for the fp32 network output.
    let quantization: [QuantizedActivationParameters?]
    /// The convolution of each conv layer, by layer index.
    let convolutions: [Int: QuantizedConvolution]
    private let values: [QuantizedBuffer]
    private let resizeScratch = QuantizedBuffer()

    init(spec: NetworkSpec, inputMean: Float, inputStd: Float, quantization: [QuantizedActivationParameters?],
         convolutions: [Int: QuantizedConvolution]) throws {
        let plan = try Self.validatedPlan(spec)
        // ReLU after up/concat is a no-op only on codes whose zero point is 0 (real ≥ 0).
        for (i, step) in plan.steps.enumerated() where step.layer.op != .conv && step.layer.activation == .relu {
            guard quantization[i + 1]?.zeroPoints.allSatisfy({ $0 == 0 }) ?? false else {
                throw QuantizedNetworkError("layer \(i): ReLU after \(step.layer.op.rawValue) of a signed tensor has no int8 form")
            }
        }
        self.plan = plan
        self.spec = spec
        self.inputMean = inputMean
        self.inputStd = inputStd
        self.quantization = quantization
        self.convolutions = convolutions
        values = (0...spec.layers.count).map { _ in QuantizedBuffer() }
    }

    /// Checks that every layer has an int8 implementation.
    static func validatedPlan(_ spec: NetworkSpec) throws -> NetworkPlan {
        let plan = try NetworkPlan(spec: spec)
        guard spec.inChannels == 1 else { throw QuantizedNetworkError("int8 input must be 1 channel (luma), spec has \(spec.inChannels)") }
        for (i, step) in plan.steps.enumerated() {
            let l = step.layer, last = i == plan.steps.count - 1
            guard l.from == nil else { throw QuantizedNetworkError("layer \(i): a branch ('from') has no int8 form yet") }
            switch l.op {
            case .conv:
                guard l.groups == 1 else { throw QuantizedNetworkError("layer \(i): grouped convolution has no int8 kernel") }
                let allowed: [Activation] = last ? [.relu, .none, .sigmoid] : [.relu, .none]
                guard allowed.contains(l.activation) else {
                    throw QuantizedNetworkError("layer \(i): activation \(l.activation.rawValue) has no int8 form here")
                }
            case .up:
                guard l.upsampleMode == .bilinear else { throw QuantizedNetworkError("layer \(i): only bilinear up runs in int8") }
            case .concat:
                break
            default:
                let hint = l.op == .bn ? "fold batch norm first" : "run this model with --precision fp32"
                throw QuantizedNetworkError("layer \(i): \(l.op.rawValue) has no int8 form (\(hint))")
            }
            guard l.activation == .none || l.activation == .relu || l.op == .conv else {
                throw QuantizedNetworkError("layer \(i): activation after \(l.op.rawValue) has no int8 form")
            }
        }
        guard plan.steps.last!.layer.op == .conv else { throw QuantizedNetworkError("the last layer must be a conv") }
        return plan
    }

    /// Quantizes `network`, calibrating activation scales on `calibration` luma images
    /// (natural-looking frames like the ones it will see), layer by layer: each layer is
    /// calibrated on the outputs of the already-quantized layers before it, so the scales
    /// absorb the error upstream quantization introduces.
    public convenience init(network: Network, inputMean: Float, inputStd: Float, calibration: [GrayImage],
                            percentile: Double = 99.99) throws {
        let plan = try Self.validatedPlan(network.spec)
        guard !calibration.isEmpty else { throw QuantizedNetworkError("calibration needs at least one image") }
        guard inputStd > 0 else { throw QuantizedNetworkError("input std must be positive") }
        let parameters = Dictionary(uniqueKeysWithValues: network.parameters.map { ($0.name, $0) })
        var quantization: [QuantizedActivationParameters?] = [Self.inputQuantization(mean: inputMean, std: inputStd)]
        var convolutions: [Int: QuantizedConvolution] = [:]
        // values[image][v]: u8 codes of value v for each calibration image.
        var values = calibration.map { [$0.pixels] }
        let sizes = calibration.map { plan.sizes(height: $0.height, width: $0.width) }
        for (i, step) in plan.steps.enumerated() {
            let layer = step.layer
            switch layer.op {
            case .conv:
                let input = quantization[i]!
                let weight = parameters[ParameterName.weight(i)]!.value, bias = parameters[ParameterName.bias(i)]!.value
                let (codes, scales) = QuantizedConvolution.quantize(weight: weight, outChannels: step.outChannels,
                                                                    input: input, kernelArea: layer.kernel * layer.kernel)
                let conv = QuantizedConvolution(layer: i, spec: layer, inChannels: step.inChannels, input: input,
                                                weights: codes, weightScales: scales, bias: bias)
                convolutions[i] = conv
                if i == plan.steps.count - 1 {
                    quantization.append(nil)
                    break
                }
                var reals: [Float] = []
                for (image, size) in sizes.enumerated() {
                    let out = size[i + 1]
                    var buffer = [Float](repeating: 0, count: step.outChannels * out.height * out.width)
                    values[image][i].withUnsafeBufferPointer { src in
                        buffer.withUnsafeMutableBufferPointer { dst in
                            conv.run(input: src.baseAddress!, height: size[i].height, width: size[i].width,
                                     into: .reals(dst.baseAddress!), threads: ProcessInfo.processInfo.activeProcessorCount)
                        }
                    }
                    reals += buffer
                }
                let relu = layer.activation == .relu
                let range = QuantizedCalibration.range(of: reals, percentile: percentile, nonNegative: relu)
                let output = QuantizedActivationParameters.covering(low: range.low, high: range.high, channels: step.outChannels)
                conv.setOutput(output)
                quantization.append(output)
                for (image, size) in sizes.enumerated() {
                    let out = size[i + 1]
                    var codesOut = [UInt8](repeating: 0, count: step.outChannels * out.height * out.width)
                    values[image][i].withUnsafeBufferPointer { src in
                        codesOut.withUnsafeMutableBufferPointer { dst in
                            conv.run(input: src.baseAddress!, height: size[i].height, width: size[i].width,
                                     into: .codes(dst.baseAddress!), threads: ProcessInfo.processInfo.activeProcessorCount)
                        }
                    }
                    values[image].append(codesOut)
                }
            case .up:
                quantization.append(quantization[i])
                let scratch = QuantizedBuffer()
                for (image, size) in sizes.enumerated() {
                    let from = size[i], to = size[i + 1]
                    var out = [UInt8](repeating: 0, count: step.outChannels * to.height * to.width)
                    scratch.reserve(blurd_resize_scratch_bytes(to.width))
                    values[image][i].withUnsafeBufferPointer { src in
                        out.withUnsafeMutableBufferPointer { dst in
                            blurd_resize_bilinear_u8(src.baseAddress!, step.outChannels, from.height, from.width,
                                                     dst.baseAddress!, to.height, to.width, scratch.pointer)
                        }
                    }
                    values[image].append(out)
                }
            default:  // concat (validated above)
                quantization.append(quantization[i]! + quantization[step.reference!]!)
                for image in values.indices { values[image].append(values[image][i] + values[image][step.reference!]) }
            }
        }
        try self.init(spec: network.spec, inputMean: inputMean, inputStd: inputStd, quantization: quantization,
                      convolutions: convolutions)
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        plan.sizes(height: height, width: width).last!
    }

    /// Logits [1, out, h, w] for an 8-bit luma image (no final sigmoid, like `Network.forward`).
    public func forward(_ luma: GrayImage) -> Tensor {
        values[0].reserve(luma.pixels.count)
        luma.pixels.withUnsafeBufferPointer { values[0].bytes.update(from: $0.baseAddress!, count: $0.count) }
        return run(height: luma.height, width: luma.width)
    }

    /// Logits for a normalised input tensor [n, 1, h, w] (as `Network.forward` takes it): each
    /// value is mapped back to its 8-bit luma code, which is exact for tensors made from luma.
    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.c == 1, "int8 network expects 1 input channel, got \(input.c)")
        let plane = input.h * input.w
        var batches: [Tensor] = []
        for b in 0..<input.n {
            values[0].reserve(plane)
            let codes = values[0].bytes
            for i in 0..<plane {
                let luma = (input.data[b * plane + i] * inputStd + inputMean) * 255
                codes[i] = UInt8(max(0, min(255, luma.rounded())))
            }
            batches.append(run(height: input.h, width: input.w))
        }
        guard let first = batches.first else {
            let out = outputSize(height: input.h, width: input.w)
            return Tensor(n: 0, c: plan.outChannels, h: out.height, w: out.width)
        }
        return Tensor(n: input.n, c: first.c, h: first.h, w: first.w, data: batches.flatMap(\.data))
    }

    /// Runs every layer on values[0] (already filled with luma codes).
    private func run(height: Int, width: Int) -> Tensor {
        let sizes = plan.sizes(height: height, width: width)
        let last = plan.steps.count - 1
        for (i, step) in plan.steps.enumerated() {
            let from = sizes[i], to = sizes[i + 1]
            let count = step.outChannels * to.height * to.width
            values[i + 1].reserve(i == last ? count * MemoryLayout<Float>.size : count)
            let src = UnsafePointer(values[i].bytes), dst = values[i + 1].bytes
            switch step.layer.op {
            case .conv:
                convolutions[i]!.run(input: src, height: from.height, width: from.width,
                                     into: i == last ? .reals(values[i + 1].floats) : .codes(dst), threads: threads)
            case .up:
                resize(src, channels: step.outChannels, from: from, to: to, into: dst)
            default:  // concat
                let first = step.inChannels * from.height * from.width
                dst.update(from: src, count: first)
                dst.advanced(by: first).update(from: values[step.reference!].bytes, count: count - first)
            }
        }
        let out = sizes.last!, count = plan.outChannels * out.height * out.width
        var logits = Array(UnsafeBufferPointer(start: values[last + 1].floats, count: count))
        switch plan.steps[last].layer.activation {
        case .relu: for i in logits.indices { logits[i] = max(0, logits[i]) }
        case .sigmoid: for i in logits.indices { logits[i] = 1 / (1 + exp(-logits[i])) }
        default: break
        }
        return Tensor(n: 1, c: plan.outChannels, h: out.height, w: out.width, data: logits)
    }

    /// Bilinear resize of u8 codes, channels split over `threads`.
    private func resize(_ src: UnsafePointer<UInt8>, channels: Int, from: (height: Int, width: Int),
                        to: (height: Int, width: Int), into dst: UnsafeMutablePointer<UInt8>) {
        let parts = max(1, min(threads, channels))
        let perScratch = blurd_resize_scratch_bytes(to.width)
        resizeScratch.reserve(parts * perScratch)
        let buffers = ResizeBuffers(src: src, dst: dst, scratch: resizeScratch.bytes)
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let c0 = p * channels / parts, c1 = (p + 1) * channels / parts
            blurd_resize_bilinear_u8(buffers.src + c0 * from.height * from.width, c1 - c0, from.height, from.width,
                                     buffers.dst + c0 * to.height * to.width, to.height, to.width,
                                     buffers.scratch + p * perScratch)
        }
    }
}

/// A resize's memory, handed to its parts.
// Unchecked: the pointers stay valid until concurrentPerform returns; each part reads its own
// channels of `src` and writes only those channels of `dst` and its own slice of `scratch`.
private struct ResizeBuffers: @unchecked Sendable {
    let src: UnsafePointer<UInt8>
    let dst: UnsafeMutablePointer<UInt8>
    let scratch: UnsafeMutablePointer<UInt8>
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
