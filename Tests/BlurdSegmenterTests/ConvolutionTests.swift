import XCTest
@testable import BlurdSegmenter

/// The im2col/sgemm convolution against a naive direct convolution computed in Double.
final class ConvolutionTests: XCTestCase {
    private func naiveConvolution(_ x: Tensor, weight: [Float], bias: [Float], out: Int,
                                  k: Int, s: Int, d: Int, groups: Int) -> Tensor {
        let pad = d * (k - 1) / 2
        let ho = (x.h + 2 * pad - d * (k - 1) - 1) / s + 1, wo = (x.w + 2 * pad - d * (k - 1) - 1) / s + 1
        let cinG = x.c / groups, coutG = out / groups
        var y = Tensor(n: x.n, c: out, h: ho, w: wo)
        for b in 0..<x.n {
            for o in 0..<out {
                let g = o / coutG
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var acc = Double(bias[o])
                        for ci in 0..<cinG {
                            for ki in 0..<k {
                                for kj in 0..<k {
                                    let iy = oy * s - pad + ki * d, ix = ox * s - pad + kj * d
                                    guard iy >= 0, iy < x.h, ix >= 0, ix < x.w else { continue }
                                    acc += Double(weight[((o * cinG + ci) * k + ki) * k + kj])
                                        * Double(x[b, g * cinG + ci, iy, ix])
                                }
                            }
                        }
                        y[b, o, oy, ox] = Float(acc)
                    }
                }
            }
        }
        return y
    }

    func testMatchesDirectConvolution() {
        // (in, out, k, s, d, groups, h, w)
        let cases: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
            (3, 5, 3, 1, 1, 1, 9, 11),   // plain 3×3
            (3, 5, 3, 2, 1, 1, 9, 11),   // stride 2, odd sizes
            (2, 4, 3, 1, 3, 1, 10, 7),   // dilation 3
            (4, 6, 5, 2, 2, 2, 13, 12),  // 5×5, stride 2, dilation 2, 2 groups
            (4, 4, 3, 1, 1, 4, 8, 9),    // depthwise
            (4, 8, 3, 2, 1, 4, 8, 9),    // depthwise with channel multiplier 2
            (6, 3, 1, 1, 1, 1, 5, 7),    // 1×1: straight sgemm
            (6, 3, 1, 2, 1, 1, 5, 7),    // 1×1 stride 2: im2col
            (2, 3, 2, 1, 1, 1, 6, 6),    // even kernel
            (2, 3, 3, 2, 4, 1, 3, 4),    // dilation larger than the image
            (16, 4, 3, 1, 1, 1, 40, 64),  // im2col in bands of 7 output rows
            (16, 4, 3, 2, 2, 1, 79, 128), // bands with stride and dilation, odd height
        ]
        var random = TestRandom(seed: 1)
        for (cin, cout, k, s, d, groups, h, w) in cases {
            let spec = NetworkSpec(name: "conv", inChannels: cin, layers: [.conv(cout, k: k, s: s, d: d, groups: groups, act: .none)])
            let net = Network(spec: spec, seed: 3)
            net.parameters[1].value = random.values(cout)
            let x = random.tensor(n: 2, c: cin, h: h, w: w)
            let y = net.forward(x)
            let expected = naiveConvolution(x, weight: net.parameters[0].value, bias: net.parameters[1].value,
                                            out: cout, k: k, s: s, d: d, groups: groups)
            XCTAssertEqual([y.n, y.c, y.h, y.w], [expected.n, expected.c, expected.h, expected.w], "case in \(cin) out \(cout) k \(k) s \(s) d \(d) g \(groups)")
            let worst = zip(y.data, expected.data).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-4, "case in \(cin) out \(cout) k \(k) s \(s) d \(d) g \(groups)")
            let size = net.outputSize(height: h, width: w)
            XCTAssertEqual(size.height, y.h)
            XCTAssertEqual(size.width, y.w)
        }
    }

    func testRepeatedForwardOfDifferentSizesGivesSameAnswers() {
        var random = TestRandom(seed: 2)
        let net = Network(spec: .blurSegDefault, seed: 5)
        let small = random.tensor(n: 1, c: 1, h: 24, w: 40)
        let large = random.tensor(n: 2, c: 1, h: 48, w: 36)
        let first = net.forward(small)
        _ = net.forward(large)
        XCTAssertEqual(net.forward(small), first, "buffers reused across shapes must not leak state")
    }

    func testBilinearUpsampleUsesHalfPixelCentres() {
        let spec = NetworkSpec(name: "up", inChannels: 1, layers: [
            LayerSpec(op: .maxpool, k: 1, s: 1, save: "full"),
            .avgPool(k: 2, s: 2),
            .up(to: "full"),
        ])
        let net = Network(spec: spec, seed: 0)
        // 1×4 row: pooled to [0, 1] (means of [0,0] and [1,1]), upsampled to 4 with half-pixel taps.
        let y = net.forward(Tensor(n: 1, c: 1, h: 2, w: 4, data: [0, 0, 1, 1, 0, 0, 1, 1]))
        XCTAssertEqual(y.data, [0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1])
        let nearest = Network(spec: NetworkSpec(name: "up", inChannels: 1, layers: [
            LayerSpec(op: .maxpool, k: 1, s: 1, save: "full"), .avgPool(k: 2, s: 2), .up(to: "full", mode: .nearest),
        ]), seed: 0)
        XCTAssertEqual(nearest.forward(Tensor(n: 1, c: 1, h: 2, w: 4, data: [0, 0, 1, 1, 0, 0, 1, 1])).data,
                       [0, 0, 1, 1, 0, 0, 1, 1])
    }

    func testPoolingIgnoresPadding() {
        let x = Tensor(n: 1, c: 1, h: 3, w: 3, data: [-1, -2, -3, -4, -5, -6, -7, -8, -9])
        let maxNet = Network(spec: NetworkSpec(name: "p", inChannels: 1, layers: [.maxPool(k: 3, s: 2)]), seed: 0)
        XCTAssertEqual(maxNet.forward(x).data, [-1, -2, -4, -5])
        let avgNet = Network(spec: NetworkSpec(name: "p", inChannels: 1, layers: [.avgPool(k: 3, s: 2)]), seed: 0)
        XCTAssertEqual(avgNet.forward(x).data, [-3, -4, -6, -7])
    }

    func testSoftmaxSumsToOneAcrossChannels() {
        var random = TestRandom(seed: 4)
        let net = Network(spec: NetworkSpec(name: "s", inChannels: 2, layers: [.conv(3, act: .softmax)]), seed: 1)
        let y = net.forward(random.tensor(n: 2, c: 2, h: 5, w: 6))
        for b in 0..<2 {
            for p in 0..<30 {
                let sum = (0..<3).reduce(Float(0)) { $0 + y.data[(b * 3 + $1) * 30 + p] }
                XCTAssertEqual(sum, 1, accuracy: 1e-5)
            }
        }
    }
}
