import XCTest
@testable import BlurdSegmenter

/// Analytic gradients of every layer type against central finite differences.
///
/// Each net puts the layer under test between convolutions, so the weights before it are
/// only reached through the layer's input gradient. The surrounding convolutions use sigmoid,
/// which is smooth, so finite differences do not trip over ReLU kinks except where ReLU is
/// under test. The loss is Σ r·y with fixed random r, accumulated in Double.
final class GradientTests: XCTestCase {
    private func loss(_ y: Tensor, _ r: [Float]) -> Double {
        zip(y.data, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Relative error ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖) per parameter tensor,
    /// over up to `samples` entries of each. The default step is small enough that few ReLU
    /// kinks are crossed and large enough to stay above fp32 forward noise.
    private func checkGradients(_ spec: NetworkSpec, n: Int = 2, h: Int = 9, w: Int = 11, samples: Int = 10, step: Float = 1e-3,
                                prepare: (Network) -> Void = { _ in }, file: StaticString = #filePath, line: UInt = #line) {
        var random = TestRandom(seed: 11)
        let net = Network(spec: spec, seed: 7)
        for p in net.parameters where p.name.hasSuffix(".bias") || p.name.hasSuffix(".beta") {
            p.value = random.values(p.value.count, -0.1, 0.1)
        }
        prepare(net)
        let x = random.tensor(n: n, c: spec.inChannels, h: h, w: w)
        let y = net.forward(x, training: true)
        let r = random.values(y.count)
        net.zeroGrad()
        net.backward(Tensor(n: y.n, c: y.c, h: y.h, w: y.w, data: r))
        for p in net.parameters {
            var difference = 0.0, analyticNorm = 0.0, numericNorm = 0.0
            for _ in 0..<min(samples, p.value.count) {
                let i = Int(random.next() % UInt64(p.value.count))
                let saved = p.value[i]
                p.value[i] = saved + step
                let plus = loss(net.forward(x), r)
                p.value[i] = saved - step
                let minus = loss(net.forward(x), r)
                p.value[i] = saved
                let numeric = (plus - minus) / (2 * Double(step))
                let analytic = Double(p.grad[i])
                difference += (analytic - numeric) * (analytic - numeric)
                analyticNorm += analytic * analytic
                numericNorm += numeric * numeric
            }
            let scale = max(analyticNorm, numericNorm).squareRoot()
            XCTAssertGreaterThan(scale, 1e-6, "\(spec.name) \(p.name): gradient is zero, the check proves nothing", file: file, line: line)
            XCTAssertLessThan(difference.squareRoot() / scale, 1e-2, "\(spec.name) \(p.name)", file: file, line: line)
        }
    }

    func testConvolutionStrideDilationGroups() {
        checkGradients(NetworkSpec(name: "conv", inChannels: 2, layers: [
            .conv(4, s: 2, act: .sigmoid),
            .conv(4, k: 3, d: 2, groups: 2, act: .none),
            .conv(2, k: 1, act: .none),
        ]))
    }

    func testConvolutionInIm2colBands() {
        // 16 channels × 3×3 × 64 columns: im2col bands of 7 output rows, three bands per plane.
        checkGradients(NetworkSpec(name: "bands", inChannels: 1, layers: [
            .conv(16, act: .sigmoid), .conv(4, act: .sigmoid), .conv(1, k: 1, act: .none),
        ]), n: 1, h: 20, w: 64)
    }

    func testDepthwiseConvolutionAndReLU() {
        checkGradients(NetworkSpec(name: "depthwise", inChannels: 2, layers: [
            .conv(4, act: .none),
            .conv(4, groups: 4, act: .relu),
            .conv(1, k: 1, act: .none),
        ]))
    }

    func testLeakyReLU() {
        checkGradients(NetworkSpec(name: "leaky", inChannels: 2, layers: [
            .conv(3, act: .leaky), .conv(3, act: .leaky), .conv(1, k: 1, act: .none),
        ]))
    }

    func testSigmoid() {
        checkGradients(NetworkSpec(name: "sigmoid", inChannels: 2, layers: [.conv(3, act: .sigmoid), .conv(1, k: 1, act: .none)]))
    }

    func testSoftmax() {
        checkGradients(NetworkSpec(name: "softmax", inChannels: 2, layers: [.conv(3, act: .softmax), .conv(2, k: 1, act: .none)]))
    }

    func testMaxPool() {
        checkGradients(NetworkSpec(name: "maxpool", inChannels: 2, layers: [
            .conv(3, act: .sigmoid), .maxPool(k: 2, s: 2), .conv(1, k: 1, act: .none),
        ]))
    }

    func testAveragePool() {
        checkGradients(NetworkSpec(name: "avgpool", inChannels: 2, layers: [
            .conv(3, act: .sigmoid), .avgPool(k: 3, s: 2), .conv(1, k: 1, act: .none),
        ]))
    }

    func testBilinearUpsample() {
        checkGradients(NetworkSpec(name: "bilinear", inChannels: 2, layers: [
            .conv(3, act: .sigmoid, save: "full"), .conv(4, s: 2, act: .none), .up(to: "full"), .conv(1, k: 1, act: .none),
        ]))
    }

    func testNearestUpsample() {
        checkGradients(NetworkSpec(name: "nearest", inChannels: 2, layers: [
            .conv(3, act: .sigmoid, save: "full"), .conv(4, s: 2, act: .none), .up(to: "full", mode: .nearest),
            .conv(1, k: 1, act: .none),
        ]))
    }

    func testConcat() {
        checkGradients(NetworkSpec(name: "concat", inChannels: 2, layers: [
            .conv(3, act: .sigmoid, save: "a"), .conv(2, act: .none), .concat(with: "a"), .conv(1, k: 1, act: .none),
        ]))
    }

    func testAdd() {
        checkGradients(NetworkSpec(name: "add", inChannels: 2, layers: [
            .conv(3, act: .sigmoid, save: "a"), .conv(3, act: .none), .add(with: "a", act: .sigmoid), .conv(1, k: 1, act: .none),
        ]))
    }

    func testFrameContextBroadcastAddAndBranch() {
        // gap → 1×1 convs → added onto every pixel (both operand orders), then two heads read
        // one saved tensor through `from` and are concatenated.
        checkGradients(NetworkSpec(name: "context", inChannels: 2, layers: [
            .conv(3, act: .sigmoid, save: "a"),
            .globalAveragePool(),
            .conv(3, k: 1, act: .sigmoid),
            .add(with: "a", act: .sigmoid, save: "b"),
            .globalAveragePool(save: "g"),
            .conv(3, k: 1, act: .none, from: "b"),
            .add(with: "g", act: .sigmoid, save: "features"),
            .conv(2, k: 1, act: .none, save: "type"),
            .conv(1, act: .none, from: "features"),
            .concat(with: "type"),
        ], heads: [OutputHead(name: "blur", channel: 0, kind: .logit), OutputHead(name: "other", channel: 1, count: 2, kind: .linear)]))
    }

    func testBlurSegV3TopologyWithBatchOfTwo() {
        var spec = NetworkSpec.blurSegV3
        for i in spec.layers.indices where spec.layers[i].op == .conv { spec.layers[i].act = Activation.none }
        spec.layers[10].act = Activation.none
        checkGradients(spec, n: 2, h: 72, w: 80, samples: 6, step: 1e-2)
    }

    func testBatchNorm() {
        var random = TestRandom(seed: 5)
        checkGradients(NetworkSpec(name: "bn", inChannels: 2, layers: [
            .conv(3, act: .none), .batchNorm(act: .sigmoid), .conv(1, k: 1, act: .none),
        ])) { net in
            net.statistics[0].value = random.values(3, -0.5, 0.5)
            net.statistics[1].value = random.values(3, 0.5, 2)
            net.parameters[2].value = random.values(3, 0.5, 1.5)
        }
    }

    func testDefaultTopologyWithBatchOfTwo() {
        // blurSegDefault's strides, dilations, up and concat without activations: a linear net has
        // exact central differences, and nine saturating sigmoids would shrink the early gradients
        // below fp32 noise. 72×80 so the dilation-8 taps on the ⅛ grid reach real pixels.
        var spec = NetworkSpec.blurSegDefault
        for i in spec.layers.indices where spec.layers[i].op == .conv { spec.layers[i].act = Activation.none }
        checkGradients(spec, n: 2, h: 72, w: 80, samples: 6, step: 1e-2)
    }
}
