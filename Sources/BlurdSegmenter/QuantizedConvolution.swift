import CBlurdKernels
import Dispatch

/// One convolution of a `QuantizedNetwork`: s8 weights packed once for every kernel path, and
/// the requantize parameters that turn its int32 sums into the next u8 activation, or, for
/// the network's last layer, into fp32 values.
///
/// The input's per-channel scales are folded into the weights before they are quantized
/// symmetrically per output channel, and the input's zero points are folded into the bias,
/// so the kernel multiplies raw u8 codes: real pre-activation = acc · weightScale + realBias.
final class QuantizedConvolution {
    /// Where a run's result goes: u8 codes of the calibrated output, or fp32 reals.
    enum Destination {
        case codes(UnsafeMutablePointer<UInt8>)
        case reals(UnsafeMutablePointer<Float>)
    }

    let layer: Int
    let inChannels: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let dilation: Int
    let relu: Bool
    let input: QuantizedActivationParameters
    /// [out][in][k][k] symmetric s8 codes (−127…127) of weight × input scale.
    let weights: [Int8]
    /// Per output channel: real weight × input scale = code × weightScale.
    let weightScales: [Float]
    let bias: [Float]
    /// nil until calibrated; stays nil for a layer that emits fp32.
    private(set) var output: QuantizedActivationParameters?

    private let kp: Int
    private let w8: UnsafeMutablePointer<Int8>
    private let w16: UnsafeMutablePointer<Int16>
    private let realMult: UnsafeMutablePointer<Float>
    private let realBias: UnsafeMutablePointer<Float>
    private let codeMult: UnsafeMutablePointer<Float>
    private let codeBias: UnsafeMutablePointer<Float>
    private var codeLow: Int32 = 0
    private let paddingValues: UnsafeMutablePointer<UInt8>
    private let padded = QuantizedBuffer()
    private var bandScratch: [QuantizedBuffer] = []

    /// Quantizes fp32 weights [out][in][k][k] for an input with parameters `input`.
    static func quantize(weight: [Float], outChannels: Int, input: QuantizedActivationParameters,
                         kernelArea: Int) -> (codes: [Int8], scales: [Float]) {
        let k = input.channels * kernelArea
        var codes = [Int8](repeating: 0, count: outChannels * k)
        var scales = [Float](repeating: 1, count: outChannels)
        var folded = [Float](repeating: 0, count: k)
        for o in 0..<outChannels {
            for i in 0..<k { folded[i] = weight[o * k + i] * input.scales[i / kernelArea] }
            let largest = folded.reduce(0) { max($0, abs($1)) }
            let scale: Float = largest > 0 ? largest / 127 : 1
            scales[o] = scale
            for i in 0..<k { codes[o * k + i] = Int8(max(-127, min(127, (folded[i] / scale).rounded()))) }
        }
        return (codes, scales)
    }

    init(layer: Int, spec: LayerSpec, inChannels: Int, input: QuantizedActivationParameters,
         weights: [Int8], weightScales: [Float], bias: [Float]) {
        let out = spec.out!
        let k = inChannels * spec.kernel * spec.kernel
        precondition(weights.count == out * k && weightScales.count == out && bias.count == out
                     && input.channels == inChannels, "quantized convolution \(layer): tensor sizes do not match")
        self.layer = layer
        self.inChannels = inChannels
        self.outChannels = out
        self.kernel = spec.kernel
        self.stride = spec.stride
        self.dilation = spec.dilation
        self.relu = spec.activation == .relu
        self.input = input
        self.weights = weights
        self.weightScales = weightScales
        self.bias = bias
        kp = blurd_qgemm_kp(k)
        w8 = .allocate(capacity: out * kp)
        w16 = .allocate(capacity: out * kp)
        blurd_qweights_pack(weights, out, k, w8, w16)
        realMult = .allocate(capacity: out)
        realBias = .allocate(capacity: out)
        codeMult = .allocate(capacity: out)
        codeBias = .allocate(capacity: out)
        codeMult.initialize(repeating: 0, count: out)
        codeBias.initialize(repeating: 0, count: out)
        let area = kernel * kernel
        for o in 0..<out {
            var zeroPointSum: Float = 0
            for i in 0..<k { zeroPointSum += Float(weights[o * k + i]) * input.zeroPoints[i / area] }
            realMult[o] = weightScales[o]
            realBias[o] = bias[o] - weightScales[o] * zeroPointSum
        }
        paddingValues = .allocate(capacity: inChannels)
        paddingValues.initialize(from: input.paddingValues, count: inChannels)
    }

    deinit {
        w8.deallocate(); w16.deallocate()
        realMult.deallocate(); realBias.deallocate(); codeMult.deallocate(); codeBias.deallocate()
        paddingValues.deallocate()
    }

    /// Sets the calibrated output parameters (a scale and an integer zero point per channel).
    func setOutput(_ parameters: QuantizedActivationParameters) {
        precondition(parameters.channels == outChannels, "output parameters for \(parameters.channels) of \(outChannels) channels")
        precondition(!relu || parameters.zeroPoints.allSatisfy { $0 == 0 }, "ReLU output must have zero point 0")
        output = parameters
        for o in 0..<outChannels {
            codeMult[o] = realMult[o] / parameters.scales[o]
            codeBias[o] = realBias[o] / parameters.scales[o] + parameters.zeroPoints[o]
        }
        codeLow = 0
    }

    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        (blurd_qconv_out_size(height, kernel, stride, dilation), blurd_qconv_out_size(width, kernel, stride, dilation))
    }

    /// Convolves input [inChannels][height][width] u8 codes, splitting output rows over
    /// `threads` bands. `.reals` gives the pre-activation reals (ReLU not applied).
    func run(input: UnsafePointer<UInt8>, height: Int, width: Int, into destination: Destination, threads: Int) {
        let (oh, ow) = outputSize(height: height, width: width)
        guard oh > 0, ow > 0 else { return }
        var shape = blurd_qconv_shape(c: inChannels, h: height, w: width, k: kernel, stride: stride, dil: dilation,
                                      pad: paddingValues)
        padded.reserve(blurd_qconv_padded_bytes(&shape))
        blurd_qconv_pad(input, &shape, padded.bytes)
        var packed = blurd_qweights(n: outChannels, kp: kp, w8: w8, w16: w16)
        var requant: blurd_requant
        switch destination {
        case .codes(let out):
            precondition(output != nil, "quantized convolution \(layer) is not calibrated")
            requant = blurd_requant(mult: codeMult, bias: codeBias, lo: codeLow, out_u8: out, out_f32: nil, out_stride: oh * ow)
        case .reals(let out):
            requant = blurd_requant(mult: realMult, bias: realBias, lo: 0, out_u8: nil, out_f32: out, out_stride: oh * ow)
        }
        let bands = max(1, min(threads, oh))
        let scratchBytes = blurd_qconv_row_scratch_bytes(&shape)
        while bandScratch.count < bands { bandScratch.append(QuantizedBuffer()) }
        for b in 0..<bands { bandScratch[b].reserve(scratchBytes) }
        let source = UnsafePointer(padded.bytes)
        let scratch = bandScratch.map { $0.pointer }
        if bands == 1 {
            blurd_qconv_rows(source, &shape, &packed, &requant, 0, oh, scratch[0])
            return
        }
        let job = BandJob(source: source, shape: shape, packed: packed, requant: requant, scratch: scratch)
        DispatchQueue.concurrentPerform(iterations: bands) { b in
            var shape = job.shape, packed = job.packed, requant = job.requant
            blurd_qconv_rows(job.source, &shape, &packed, &requant, b * oh / bands, (b + 1) * oh / bands, job.scratch[b])
        }
    }
}

/// One convolution's arguments, handed to its bands.
// Unchecked: the pointers stay valid until concurrentPerform returns; every band reads the same
// input and weights and writes only its own output rows and its own scratch buffer.
private struct BandJob: @unchecked Sendable {
    let source: UnsafePointer<UInt8>
    let shape: blurd_qconv_shape
    let packed: blurd_qweights
    let requant: blurd_requant
    let scratch: [UnsafeMutableRawPointer]
}
