import BlurdCore
@testable import BlurdSegmenter
import XCTest

/// int8 against fp32 on natural-looking frames, with a random net calibrated on similar ones.
final class QuantizedNetworkTests: XCTestCase {
    static let mean: Float = 0.45, std: Float = 0.25

    /// xorshift64*: reproducible scenes.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 2685821657736338717
        }
        mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }
    }

    /// A frame with a smooth background, shaded ellipses, textured patches (stripes and
    /// noise) and one box-blurred region: the mix of sharp and blurred content the net sees.
    static func scene(width: Int, height: Int, seed: UInt64) -> GrayImage {
        var random = Random(state: seed | 1)
        var image = [Float](repeating: 0, count: width * height)
        let gx = random.uniform() - 0.5, gy = random.uniform() - 0.5, base = 0.3 + 0.4 * random.uniform()
        for y in 0..<height {
            for x in 0..<width {
                image[y * width + x] = base + 0.3 * (gx * Float(x) / Float(width) + gy * Float(y) / Float(height))
            }
        }
        for _ in 0..<8 {
            let cx = random.uniform() * Float(width), cy = random.uniform() * Float(height)
            let rx = 6 + random.uniform() * Float(width) / 4, ry = 6 + random.uniform() * Float(height) / 4
            let level = random.uniform(), textured = random.uniform() < 0.5
            let period = 2 + random.uniform() * 5
            for y in 0..<height {
                for x in 0..<width {
                    let dx = (Float(x) - cx) / rx, dy = (Float(y) - cy) / ry
                    guard dx * dx + dy * dy < 1 else { continue }
                    var v = level
                    if textured { v += 0.25 * sin(Float(x + 2 * y) / period * 2 * .pi) + 0.1 * (random.uniform() - 0.5) }
                    image[y * width + x] = v
                }
            }
        }
        for i in image.indices { image[i] += 0.04 * (random.uniform() - 0.5) }
        // Box-blur a rectangle three times (close to a Gaussian of sigma ~ 4 px).
        let x0 = Int(random.uniform() * Float(width / 2)), y0 = Int(random.uniform() * Float(height / 2))
        let x1 = min(width, x0 + width / 2), y1 = min(height, y0 + height / 2), r = 4
        for _ in 0..<3 {
            let source = image
            for y in y0..<y1 {
                for x in x0..<x1 {
                    var sum: Float = 0, n: Float = 0
                    for yy in max(0, y - r)...min(height - 1, y + r) {
                        for xx in max(0, x - r)...min(width - 1, x + r) { sum += source[yy * width + xx]; n += 1 }
                    }
                    image[y * width + x] = sum / n
                }
            }
        }
        return GrayImage(width: width, height: height,
                         pixels: image.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) })
    }

    static func normalised(_ luma: GrayImage) -> Tensor {
        Tensor(n: 1, c: 1, h: luma.height, w: luma.width,
               data: luma.pixels.map { (Float($0) / 255 - mean) / std })
    }

    /// The default architecture with random weights, its last layer rescaled so the logits on
    /// `scenes` have mean 0 and standard deviation 2, the recipe of shared/bench/engine_anchor.py:
    /// the mask is neither constant nor all noise, and the threshold sits where logits are dense.
    static func spreadNetwork(seed: UInt64, scenes: [GrayImage]) -> Network {
        let net = Network(spec: .blurSegDefault, seed: seed)
        let last = net.spec.layers.count - 1
        let weight = net.parameters.first { $0.name == "layers.\(last).weight" }!
        let bias = net.parameters.first { $0.name == "layers.\(last).bias" }!
        let logits = scenes.flatMap { net.forward(normalised($0)).data }
        let m = logits.reduce(0, +) / Float(logits.count)
        let s = (logits.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(logits.count)).squareRoot()
        weight.value = weight.value.map { $0 * 2 / s }
        bias.value = bias.value.map { ($0 - m) * 2 / s }
        return net
    }

    func testInt8MaskAgreesWithFp32OnNaturalScenes() throws {
        let calibration = (0..<4).map { Self.scene(width: 160, height: 96, seed: 100 + UInt64($0)) }
        let heldOut = (0..<3).map { Self.scene(width: 192, height: 128, seed: 900 + UInt64($0)) }
        let net = Self.spreadNetwork(seed: 7, scenes: calibration)
        let int8 = try QuantizedNetwork(network: net, inputMean: Self.mean, inputStd: Self.std, calibration: calibration)
        var agree = 0, total = 0, above = 0
        var maxDifference: Float = 0
        for scene in heldOut {
            let reference = net.forward(Self.normalised(scene))
            let quantized = int8.forward(scene)
            XCTAssertEqual([quantized.n, quantized.c, quantized.h, quantized.w], [reference.n, reference.c, reference.h, reference.w])
            for (q, r) in zip(quantized.data, reference.data) {
                total += 1
                if (q > 0) == (r > 0) { agree += 1 }   // logit 0 is probability 0.5
                if r > 0 { above += 1 }
                maxDifference = max(maxDifference, abs(q - r))
            }
        }
        let fraction = Double(agree) / Double(total)
        print("int8 vs fp32: \(agree)/\(total) agree (\(fraction * 100)%), fp32 above 0.5: \(above), max |logit diff| \(maxDifference)")
        XCTAssertGreaterThan(Double(above) / Double(total), 0.05, "the fp32 mask should not be almost constant")
        XCTAssertLessThan(Double(above) / Double(total), 0.95, "the fp32 mask should not be almost constant")
        XCTAssertGreaterThanOrEqual(fraction, 0.99)
        XCTAssertGreaterThan(maxDifference, 0, "int8 should not be bit-identical to fp32; is it really quantized?")
    }

    func testTensorInputMatchesLumaInputAndThreadsDoNotChangeTheResult() throws {
        let scenes = (0..<2).map { Self.scene(width: 100, height: 70, seed: 40 + UInt64($0)) }
        let net = Self.spreadNetwork(seed: 3, scenes: scenes)
        let int8 = try QuantizedNetwork(network: net, inputMean: Self.mean, inputStd: Self.std, calibration: scenes)
        let fromLuma = int8.forward(scenes[1])
        XCTAssertEqual(int8.forward(Self.normalised(scenes[1])), fromLuma)
        int8.threads = 3
        XCTAssertEqual(int8.forward(scenes[1]), fromLuma)
        let size = net.outputSize(height: 70, width: 100)
        XCTAssertEqual([fromLuma.h, fromLuma.w], [size.height, size.width])
    }

    func testUnsupportedLayersAreRejectedWithAReason() {
        let spec = NetworkSpec(name: "pooled", inChannels: 1, layers: [
            .conv(8), LayerSpec(op: .maxpool, k: 2, s: 2), .conv(1, k: 1, act: .none),
        ])
        let net = Network(spec: spec, seed: 1)
        XCTAssertThrowsError(try QuantizedNetwork(network: net, inputMean: 0.5, inputStd: 0.25,
                                                  calibration: [GrayImage(width: 8, height: 8)])) { error in
            XCTAssertTrue("\(error)".contains("maxpool"), "\(error)")
        }
        XCTAssertThrowsError(try QuantizedNetwork(network: Network(spec: .blurSegDefault, seed: 1), inputMean: 0.5,
                                                  inputStd: 0.25, calibration: []))
    }

    func testCalibrationRangeIgnoresRareOutliers() {
        var values = (0..<100_000).map { Float($0 % 1000) / 1000 }   // uniform on [0, 1)
        values[0] = 50                                               // one outlier
        let range = QuantizedCalibration.range(of: values, percentile: 99.99, nonNegative: true)
        XCTAssertEqual(range.low, 0)
        XCTAssertEqual(range.high, 1, accuracy: 0.02)
        let signed = QuantizedCalibration.range(of: values.map { $0 - 0.5 }, percentile: 100, nonNegative: false)
        XCTAssertEqual(signed.low, -0.5, accuracy: 0.02)
        XCTAssertEqual(signed.high, 49.5, accuracy: 0.02)
    }
}

/// The int8 entries of a model file and the tiled int8 Segmenter.
final class QuantizedModelFileTests: XCTestCase {
    typealias Scenes = QuantizedNetworkTests

    private func calibratedModel() throws -> (ModelFile, [GrayImage]) {
        let scenes = (0..<3).map { Scenes.scene(width: 128, height: 96, seed: 70 + UInt64($0)) }
        let net = Scenes.spreadNetwork(seed: 5, scenes: scenes)
        var model = ModelFile(network: net, inputMean: Scenes.mean, inputStd: Scenes.std, metadata: ["test": "int8"])
        try model.addInt8(calibration: scenes)
        return (model, scenes)
    }

    func testInt8TensorsSurviveTheFileAndReproduceTheCalibratedNetwork() throws {
        let (model, scenes) = try calibratedModel()
        let weight = try XCTUnwrap(model.tensors["layers.0.weight_i8"])
        XCTAssertEqual(weight.dtype, .i8)
        XCTAssertEqual(weight.shape, [16, 1, 3, 3])
        XCTAssertEqual(weight.scales.count, 16)
        XCTAssertEqual(weight.i8.map { abs(Int($0)) }.max(), 127, "symmetric per-channel codes reach ±127")
        XCTAssertNotNil(model.tensors["layers.9.output_quant"])
        XCTAssertNil(model.tensors["layers.10.output_quant"], "the last conv emits fp32")

        let reread = try ModelFile(bytes: model.serialized())
        let loaded = try QuantizedNetwork(model: reread)
        let direct = try QuantizedNetwork(network: Network(model: model), inputMean: model.inputMean,
                                          inputStd: model.inputStd, calibration: scenes)
        let probe = Scenes.scene(width: 144, height: 80, seed: 3)
        XCTAssertEqual(loaded.forward(probe), direct.forward(probe))
        XCTAssertEqual(loaded.storedTensors.count, direct.storedTensors.count)
    }

    func testFp32OnlyModelIsRejectedWithAHint() throws {
        let model = ModelFile(network: Network(spec: .blurSegDefault, seed: 2), inputMean: 0.5, inputStd: 0.25, metadata: [:])
        XCTAssertThrowsError(try QuantizedNetwork(model: model)) { error in
            XCTAssertTrue("\(error)".contains("weight_i8"), "\(error)")
        }
        var broken = try calibratedModel().0
        broken.tensors["layers.3.output_quant"] = StoredTensor(f32: [Float](repeating: -1, count: 64), shape: [2, 32])
        XCTAssertThrowsError(try QuantizedNetwork(model: broken))
    }

    func testTiledInt8SegmenterEqualsOneUntiledPass() throws {
        let (model, _) = try calibratedModel()
        let whole = try QuantizedNetwork(model: model)
        let frame = Scenes.scene(width: 320, height: 208, seed: 11)   // a multiple of the alignment (16)
        let segmenter = try Segmenter(inputMean: model.inputMean, inputStd: model.inputStd, precision: .int8,
                                      tileSize: 64, threads: 2) { try QuantizedNetwork(model: model) }
        let tiled = segmenter.probabilities(frame)
        let logits = whole.forward(frame)
        XCTAssertEqual([tiled.height, tiled.width], [logits.h, logits.w])
        let untiled = logits.data.map { 1 / (1 + exp(-$0)) }
        let worst = zip(tiled.pixels, untiled).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(worst, 1e-6)
        XCTAssertGreaterThan(Set(tiled.pixels.map { $0 > 0.5 }).count, 1, "the mask should not be constant")
    }
}
