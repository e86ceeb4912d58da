import Foundation

/// A 1×1 convolution of a frame-level vector in the int8 engine, run in fp32 on the model's
/// fp32 weights (`QuantizedValueForm.vector` says why): out = act(W·x + b).
struct FrameVectorConvolution {
    let inChannels: Int
    let outChannels: Int
    /// [out][in]
    let weight: [Float]
    let bias: [Float]
    let activation: Activation
    let leakySlope: Float

    init(spec: LayerSpec, inChannels: Int, weight: [Float], bias: [Float]) {
        let out = spec.out!
        precondition(weight.count == out * inChannels && bias.count == out, "frame-level convolution: tensor sizes do not match")
        self.inChannels = inChannels
        outChannels = out
        self.weight = weight
        self.bias = bias
        activation = spec.activation
        leakySlope = spec.leakySlope
    }

    func run(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        for o in 0..<outChannels {
            var sum = bias[o]
            for c in 0..<inChannels { sum += weight[o * inChannels + c] * x[c] }
            switch activation {
            case .relu: sum = max(0, sum)
            case .leaky: sum = sum < 0 ? sum * leakySlope : sum
            case .sigmoid: sum = 1 / (1 + exp(-sum))
            default: break   // none (`QuantizedValueForm` refuses the rest)
            }
            y[o] = sum
        }
    }
}
