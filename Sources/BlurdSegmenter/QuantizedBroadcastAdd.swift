/// The int8 engine's `add` of a frame-level fp32 vector to every cell of a u8 map (blurseg-v3's
/// context fed back into every cell), with an optional ReLU, requantized to calibrated codes.
///
/// For channel c, input code q (scale s_c, zero point z_c), vector value v_c and output
/// parameters (o, p): code = clamp(round_even((s_c·(q − z_c) + v_c) / o + p), lo, 255), lo = p
/// after ReLU (p is 0 there), else 0 (`referenceCode`). The output of a channel depends on q
/// alone once the frame's vector is known, so `run` builds a 256-entry table per channel from
/// `referenceCode` and maps the plane through it: one table lookup per cell instead of the
/// arithmetic, and bit-identical to the reference by construction (QuantizedNetworkTests checks
/// the mapping against the reference on every cell).
final class QuantizedBroadcastAdd {
    let layer: Int
    let input: QuantizedActivationParameters
    let relu: Bool
    /// nil until calibrated.
    private(set) var output: QuantizedActivationParameters?
    private var table = [UInt8](repeating: 0, count: 256)

    init(layer: Int, input: QuantizedActivationParameters, relu: Bool) {
        self.layer = layer
        self.input = input
        self.relu = relu
    }

    var channels: Int { input.channels }

    func setOutput(_ parameters: QuantizedActivationParameters) {
        precondition(parameters.channels == channels, "output parameters for \(parameters.channels) of \(channels) channels")
        precondition(!relu || parameters.zeroPoints.allSatisfy { $0 == 0 }, "ReLU output must have zero point 0")
        output = parameters
    }

    /// The real value of the sum (after ReLU) for input code `q` of `channel`.
    func real(code q: UInt8, channel c: Int, vector v: Float) -> Float {
        let sum = input.scales[c] * (Float(q) - input.zeroPoints[c]) + v
        return relu ? max(0, sum) : sum
    }

    /// The output code for input code `q` of `channel`: the definition `run` must reproduce.
    func referenceCode(_ q: UInt8, channel c: Int, vector v: Float) -> UInt8 {
        let out = output!
        let t = (input.scales[c] * (Float(q) - input.zeroPoints[c]) + v) / out.scales[c] + out.zeroPoints[c]
        let lo: Float = relu ? out.zeroPoints[c] : 0
        return UInt8(max(lo, min(255, t.rounded(.toNearestOrEven))))
    }

    /// Maps `map` [channels][plane] u8 codes to `destination`, adding `vector` [channels].
    func run(map: UnsafePointer<UInt8>, plane: Int, vector: UnsafePointer<Float>, into destination: UnsafeMutablePointer<UInt8>) {
        precondition(output != nil, "broadcast add \(layer) is not calibrated")
        for c in 0..<channels {
            for q in 0..<256 { table[q] = referenceCode(UInt8(q), channel: c, vector: vector[c]) }
            let src = map + c * plane, dst = destination + c * plane
            table.withUnsafeBufferPointer { lookup in
                for i in 0..<plane { dst[i] = lookup[Int(src[i])] }
            }
        }
    }
}
