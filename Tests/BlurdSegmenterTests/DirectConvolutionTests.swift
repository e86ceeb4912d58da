import CBlurdKernels
import XCTest
@testable import BlurdSegmenter

/// The direct 3×3 convolution against the im2col + sgemm path it replaced (forward output and
/// every parameter gradient, single layers and whole nets), and its AVX2 path against the
/// scalar reference.
final class DirectConvolutionTests: XCTestCase {
    /// Sets every 3×3 stride-1 ungrouped convolution of `net` to `path`; returns how many.
    @discardableResult
    private func setPath(_ net: Network, _ path: ConvolutionLayer.Path) -> Int {
        var count = 0
        for case let conv as ConvolutionLayer in net.layers where conv.kernel == 3 && conv.stride == 1 && conv.groups == 1 {
            conv.path = path
            count += 1
        }
        return count
    }

    /// One training step's forward output and parameter gradients on `path`.
    private func trainingStep(_ spec: NetworkSpec, _ path: ConvolutionLayer.Path, x: Tensor) -> (y: Tensor, grads: [[Float]]) {
        let net = Network(spec: spec, seed: 7)
        var random = TestRandom(seed: 8)
        for p in net.parameters where p.name.hasSuffix(".bias") { p.value = random.values(p.value.count, -0.1, 0.1) }
        XCTAssertGreaterThan(setPath(net, path), 0, "\(spec.name) has no layer the direct kernel runs")
        let y = net.forward(x, training: true)
        net.zeroGrad()
        net.backward(Tensor(n: y.n, c: y.c, h: y.h, w: y.w, data: random.values(y.count)))
        return (y, net.parameters.map { $0.grad })
    }

    /// Largest difference relative to the reference's largest magnitude (absolute below 1).
    private func worstDifference(_ a: [Float], _ reference: [Float]) -> Float {
        XCTAssertEqual(a.count, reference.count)
        let scale = max(1, reference.map(abs).max() ?? 0)
        return (zip(a, reference).map { abs($0 - $1) }.max() ?? 0) / scale
    }

    private func assertPathsAgree(_ spec: NetworkSpec, x: Tensor, _ label: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        let direct = trainingStep(spec, .direct, x: x), reference = trainingStep(spec, .im2col, x: x)
        XCTAssertEqual([direct.y.n, direct.y.c, direct.y.h, direct.y.w], [reference.y.n, reference.y.c, reference.y.h, reference.y.w])
        XCTAssertLessThan(worstDifference(direct.y.data, reference.y.data), 1e-4, "\(label) output", file: file, line: line)
        XCTAssertGreaterThan(reference.y.data.map(abs).max() ?? 0, 0, "\(label): zero output proves nothing", file: file, line: line)
        for (i, (a, b)) in zip(direct.grads, reference.grads).enumerated() {
            XCTAssertGreaterThan(b.map(abs).max() ?? 0, 0, "\(label) parameter \(i): zero gradient proves nothing", file: file, line: line)
            XCTAssertLessThan(worstDifference(a, b), 1e-4, "\(label) gradient of parameter \(i)", file: file, line: line)
        }
    }

    func testSingleLayerMatchesIm2colOverChannelsSizesAndDilations() {
        // (in, out) over the net's channel counts, on sizes that are not multiples of 8 or 24.
        let channels: [(Int, Int)] = [(1, 16), (3, 3), (16, 24), (24, 32), (32, 32), (56, 16), (16, 1), (32, 56)]
        let sizes: [(Int, Int)] = [(7, 9), (13, 31), (24, 25), (5, 3)]
        var random = TestRandom(seed: 3)
        for (i, (cin, cout)) in channels.enumerated() {
            for d in [1, 2, 4, 8] {
                let (h, w) = sizes[(i + d) % sizes.count]
                // A 1×1 convolution in front, so the direct layer's input gradient reaches a weight.
                let spec = NetworkSpec(name: "direct", inChannels: 2, layers: [
                    .conv(cin, k: 1, act: .none), .conv(cout, d: d, act: .relu),
                ])
                assertPathsAgree(spec, x: random.tensor(n: 2, c: 2, h: h, w: w), "in \(cin) out \(cout) \(h)×\(w) d \(d)")
            }
        }
    }

    func testDefaultNetTrainingStepMatchesIm2col() {
        var random = TestRandom(seed: 4)
        assertPathsAgree(.blurSegDefault, x: random.tensor(n: 2, c: 1, h: 72, w: 90), "blurseg-v1 72×90")
        assertPathsAgree(.blurSegDefault, x: random.tensor(n: 1, c: 1, h: 61, w: 83), "blurseg-v1 61×83")
    }

    func testBlurSegV3TrainingStepMatchesIm2col() {
        var random = TestRandom(seed: 5)
        assertPathsAgree(.blurSegV3, x: random.tensor(n: 2, c: 1, h: 64, w: 80), "blurseg-v3 64×80")
    }

    /// The AVX2 paths (in several row bands or channel parts, as threads run them) against the
    /// scalar references: the convolution from a bias and accumulating, and the weight gradient.
    func testAVX2PathMatchesScalarReference() throws {
        try XCTSkipIf(blurd_detect_isa().rawValue < BLURD_ISA_AVX2.rawValue, "no AVX2 on this CPU")
        var random = TestRandom(seed: 6)
        for (cin, cout, h, w, d) in [(3, 5, 11, 29, 1), (16, 24, 9, 50, 2), (56, 16, 7, 17, 4), (1, 1, 20, 8, 8), (32, 32, 3, 1, 1)] {
            var shape = blurd_sconv_shape(cin: cin, cout: cout, h: h, w: w, dil: d)
            let input = random.values(cin * h * w), weight = random.values(cout * cin * 9), bias = random.values(cout)
            var padded = [Float](repeating: .nan, count: blurd_sconv3x3_padded_floats(&shape))
            var packed = [Float](repeating: .nan, count: blurd_sconv3x3_packed_floats(&shape))
            blurd_sconv3x3_pad(input, &shape, &padded)
            blurd_sconv3x3_pack(weight, &shape, 0, &packed)
            let start = random.values(cout * h * w)
            for accumulate: Int32 in [0, 1] {
                var scalar = start, avx2 = start
                XCTAssertEqual(blurd_sconv3x3_rows_isa(BLURD_ISA_SCALAR, padded, &shape, packed, bias, accumulate, &scalar, 0, h), 0)
                for band in 0..<3 {
                    XCTAssertEqual(blurd_sconv3x3_rows_isa(BLURD_ISA_AVX2, padded, &shape, packed, bias, accumulate, &avx2,
                                                           band * h / 3, (band + 1) * h / 3), 0)
                }
                XCTAssertFalse(avx2.contains { $0.isNaN }, "the padding and slack must never reach a result")
                XCTAssertLessThan(worstDifference(avx2, scalar), 1e-5, "in \(cin) out \(cout) \(h)×\(w) d \(d) accumulate \(accumulate)")
                XCTAssertNotEqual(scalar, start)
            }
            // The weight gradient, its output channels split in two parts on the AVX2 path.
            let gradOutput = random.values(cout * h * w)
            var scalarGradient = [Float](repeating: 0.5, count: cout * cin * 9), avx2Gradient = scalarGradient
            XCTAssertEqual(blurd_sconv3x3_weight_grad_isa(BLURD_ISA_SCALAR, padded, &shape, gradOutput, &scalarGradient, 0, cout), 0)
            XCTAssertEqual(blurd_sconv3x3_weight_grad_isa(BLURD_ISA_AVX2, padded, &shape, gradOutput, &avx2Gradient, 0, cout / 2), 0)
            XCTAssertEqual(blurd_sconv3x3_weight_grad_isa(BLURD_ISA_AVX2, padded, &shape, gradOutput, &avx2Gradient, cout / 2, cout), 0)
            XCTAssertLessThan(worstDifference(avx2Gradient, scalarGradient), 1e-5, "weight gradient in \(cin) out \(cout) \(h)×\(w) d \(d)")
            XCTAssertGreaterThan(scalarGradient.map { abs($0 - 0.5) }.max() ?? 0, 0)
        }
    }
}
