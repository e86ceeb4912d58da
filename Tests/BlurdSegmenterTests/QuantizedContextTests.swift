import BlurdCore
@testable import BlurdSegmenter
import XCTest

/// blurseg-v3 in int8: the context branch (gap, 1×1 convs of the vector, broadcast add), the
/// branch read with `from`, and the five-channel output, against fp32.
final class QuantizedContextTests: XCTestCase {
    typealias Scenes = QuantizedNetworkTests

    /// blurseg-v3 with random weights, spread like `QuantizedNetworkTests.spreadNetwork`: the
    /// blur logit (layer 16) and the motion logit (channel 1 of layer 15) rescaled to mean 0,
    /// standard deviation 2 on `scenes`, so both decisions sit where logits are dense. The
    /// context's convs keep their He weights, so the context moves every cell.
    static func spreadV3(seed: UInt64, scenes: [GrayImage], from base: Network? = nil) -> Network {
        let net = base ?? Network(spec: .blurSegV3, seed: seed)
        func rescale(layer: Int, channel: Int, outputChannel: Int, inputs: Int) {
            let weight = net.parameters.first { $0.name == "layers.\(layer).weight" }!
            let bias = net.parameters.first { $0.name == "layers.\(layer).bias" }!
            let logits = scenes.flatMap { scene -> [Float] in
                let y = net.forward(Scenes.normalised(scene))
                let plane = y.h * y.w
                return Array(y.data[(outputChannel * plane)..<((outputChannel + 1) * plane)])
            }
            let m = logits.reduce(0, +) / Float(logits.count)
            let s = (logits.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(logits.count)).squareRoot()
            for k in 0..<inputs { weight.value[channel * inputs + k] *= 2 / s }
            bias.value[channel] = (bias.value[channel] - m) * 2 / s
        }
        rescale(layer: 16, channel: 0, outputChannel: 0, inputs: 16)
        rescale(layer: 15, channel: 0, outputChannel: 1, inputs: 16)
        return net
    }

    /// int8 against fp32 on held-out scenes: the share of cells whose blur decision (logit > 0)
    /// agrees, and of the cells fp32 calls blurred whose type (motion logit > 0) agrees.
    static func agreement(_ net: Network, _ int8: QuantizedNetwork, on scenes: [GrayImage])
        -> (blur: Double, type: Double, blurred: Double, motion: Double, angle: Float) {
        var cells = 0, blurAgree = 0, blurred = 0, typeAgree = 0, motion = 0
        var worstAngle: Float = 0
        for scene in scenes {
            let reference = net.forward(Scenes.normalised(scene)), quantized = int8.forward(scene)
            precondition(quantized.data.count == reference.data.count, "int8 and fp32 outputs differ in size")
            let plane = reference.h * reference.w, typed = reference.c > 1
            for p in 0..<plane {
                let r = reference.data[p], q = quantized.data[p]
                cells += 1
                if (r > 0) == (q > 0) { blurAgree += 1 }
                guard r > 0, typed else { continue }
                blurred += 1
                let rm = reference.data[plane + p], qm = quantized.data[plane + p]
                if rm > 0 { motion += 1 }
                if (rm > 0) == (qm > 0) { typeAgree += 1 }
                for c in 2...4 { worstAngle = max(worstAngle, abs(reference.data[c * plane + p] - quantized.data[c * plane + p])) }
            }
        }
        return (Double(blurAgree) / Double(cells), Double(typeAgree) / Double(max(1, blurred)),
                Double(blurred) / Double(cells), Double(motion) / Double(max(1, blurred)), worstAngle)
    }

    /// The blur mask of int8 blurseg-v3 agrees with fp32 as well as the same trunk's without
    /// the context does (blurseg-v1's net, same seed and scenes), and the type on ≥ 95 % of the
    /// blurred cells. On random nets like these the trunk's own agreement is 98.3–99.4 %
    /// depending on the seed (seeds 3, 5, 7, 11 measured; v3 97.8–99.1 % on the same), so the
    /// bar is the trunk's figure rather than a fixed 99 %.
    func testInt8AgreesWithFp32OnBlurAndType() throws {
        let calibration = (0..<4).map { Scenes.scene(width: 160, height: 96, seed: 200 + UInt64($0)) }
        let heldOut = (0..<4).map { Scenes.scene(width: 192, height: 128, seed: 700 + UInt64($0)) }
        let v3 = Self.spreadV3(seed: 11, scenes: calibration)
        let v3int8 = try QuantizedNetwork(network: v3, inputMean: Scenes.mean, inputStd: Scenes.std, calibration: calibration)
        let trunk = Scenes.spreadNetwork(seed: 11, scenes: calibration)
        let trunkInt8 = try QuantizedNetwork(network: trunk, inputMean: Scenes.mean, inputStd: Scenes.std, calibration: calibration)
        let typed = Self.agreement(v3, v3int8, on: heldOut), plain = Self.agreement(trunk, trunkInt8, on: heldOut)
        print(String(format: "int8 vs fp32: blurseg-v3 blur mask %.2f%%, type on blurred cells %.2f%% (fp32 blurred %.1f%%, motion %.1f%% of them, max |angle channel diff| %.3f); blurseg-v1 net blur mask %.2f%%",
                     typed.blur * 100, typed.type * 100, typed.blurred * 100, typed.motion * 100, typed.angle, plain.blur * 100))
        XCTAssertGreaterThan(typed.blurred, 0.05, "the fp32 mask should not be almost constant")
        XCTAssertLessThan(typed.blurred, 0.95, "the fp32 mask should not be almost constant")
        XCTAssertGreaterThan(typed.motion, 0.05, "the fp32 type should not be almost constant")
        XCTAssertLessThan(typed.motion, 0.95, "the fp32 type should not be almost constant")
        XCTAssertGreaterThanOrEqual(typed.blur, 0.98)
        XCTAssertGreaterThanOrEqual(typed.blur, plain.blur - 0.005, "the context costs int8 no more than half a point")
        XCTAssertGreaterThanOrEqual(typed.type, 0.95)
    }

    /// The context is what the int8 net computes from the frame: the same layer-6 codes give the
    /// same output whether the gap pools them or is handed their mean, and a different context
    /// changes the output.
    func testContextIsTheFramesMeanAndMattersInInt8() throws {
        let scenes = (0..<2).map { Scenes.scene(width: 128, height: 96, seed: 30 + UInt64($0)) }
        let int8 = try QuantizedNetwork(network: Self.spreadV3(seed: 5, scenes: scenes), inputMean: Scenes.mean,
                                        inputStd: Scenes.std, calibration: scenes)
        let probe = Scenes.scene(width: 128, height: 96, seed: 99), input = Scenes.normalised(probe)
        let pooled = int8.forward(probe)
        XCTAssertEqual(int8.frameContextCount, 1)
        let whole = int8.frameContextSum(input, index: 0, x0: 0, y0: 0, x1: 128, y1: 96)
        XCTAssertEqual(whole.cells, 16 * 12)
        int8.setFrameContext([whole.sums.map { Float($0 / Double(whole.cells)) }])
        let handed = int8.forward(probe)
        XCTAssertLessThanOrEqual(zip(pooled.data, handed.data).map { abs($0 - $1) }.max()!, 1e-5)
        // Sums over two halves add up to the whole.
        let left = int8.frameContextSum(input, index: 0, x0: 0, y0: 0, x1: 64, y1: 96)
        let right = int8.frameContextSum(input, index: 0, x0: 64, y0: 0, x1: 128, y1: 96)
        XCTAssertEqual(left.cells + right.cells, whole.cells)
        for c in whole.sums.indices { XCTAssertEqual(left.sums[c] + right.sums[c], whole.sums[c], accuracy: 1e-6 * max(1, abs(whole.sums[c]))) }
        int8.setFrameContext([whole.sums.map { Float($0 / Double(whole.cells)) + 1 }])
        let shifted = int8.forward(probe)
        XCTAssertGreaterThan(zip(pooled.data, shifted.data).map { abs($0 - $1) }.max()!, 0.01)
        int8.setFrameContext([])
        XCTAssertEqual(int8.forward(probe), pooled)
    }

    /// The broadcast add's table lookup reproduces its reference formula on every cell.
    func testBroadcastAddTableMatchesTheReference() {
        var random = TestRandom(seed: 9)
        for relu in [true, false] {
            let input = QuantizedActivationParameters(scales: [0.02, 0.05, 0.011], zeroPoints: [0, 7, 130])
            let add = QuantizedBroadcastAdd(layer: 10, input: input, relu: relu)
            add.setOutput(.covering(low: relu ? 0 : -3, high: 4.5, channels: 3))
            let plane = 257
            let map = (0..<(3 * plane)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let vector: [Float] = [-1.3, 0.4, 2.2]
            var out = [UInt8](repeating: 0, count: 3 * plane)
            add.run(map: map, plane: plane, vector: vector, into: &out)
            var zeros = 0, full = 0
            for c in 0..<3 {
                for p in 0..<plane {
                    XCTAssertEqual(out[c * plane + p], add.referenceCode(map[c * plane + p], channel: c, vector: vector[c]))
                    if out[c * plane + p] == 0 { zeros += 1 }
                    if out[c * plane + p] == 255 { full += 1 }
                    let real = add.real(code: map[c * plane + p], channel: c, vector: vector[c])
                    let decoded = (Float(out[c * plane + p]) - add.output!.zeroPoints[c]) * add.output!.scales[c]
                    XCTAssertEqual(decoded, min(real, 4.5), accuracy: add.output!.scales[c] / 2 + 1e-5)
                }
            }
            XCTAssertGreaterThan(full, 0, "the clamp at the high end should be exercised")
            if relu { XCTAssertGreaterThan(zeros, 0, "ReLU's clamp at 0 should be exercised") }
        }
    }

    /// A v3 model file carries the context's int8 entries and reloads to the calibrated net;
    /// the Segmenter tiles it exactly (the frame's context computed once, from every tile).
    func testModelFileRoundTripAndTiledInt8Segmenter() throws {
        let scenes = (0..<3).map { Scenes.scene(width: 128, height: 96, seed: 80 + UInt64($0)) }
        let net = Self.spreadV3(seed: 4, scenes: scenes)
        var model = ModelFile(network: net, inputMean: Scenes.mean, inputStd: Scenes.std, metadata: [:])
        try model.addInt8(calibration: scenes)
        XCTAssertNotNil(model.tensors["layers.10.output_quant"], "the broadcast add's output is calibrated")
        XCTAssertNil(model.tensors["layers.8.weight_i8"], "the context's convs run in fp32")
        XCTAssertNil(model.tensors["layers.15.output_quant"], "the type channels are fp32 outputs")
        XCTAssertNil(model.tensors["layers.16.output_quant"], "the blur logit is an fp32 output")
        XCTAssertNotNil(model.tensors["layers.16.weight_i8"])
        let reread = try ModelFile(bytes: model.serialized())
        let loaded = try QuantizedNetwork(model: reread)
        let direct = try QuantizedNetwork(network: Network(model: model), inputMean: model.inputMean,
                                          inputStd: model.inputStd, calibration: scenes)
        let probe = Scenes.scene(width: 144, height: 80, seed: 3)
        XCTAssertEqual(loaded.forward(probe), direct.forward(probe))

        let frame = Scenes.scene(width: 320, height: 208, seed: 12)
        let tiled = try Segmenter(model: reread, precision: .int8, tileSize: 64, threads: 2)
        XCTAssertGreaterThan(tiled.heads.count, 1)
        let maps = tiled.outputMaps(frame)
        let whole = loaded.forward(frame)
        XCTAssertEqual(maps.count, 5)
        let plane = whole.h * whole.w
        var worst: Float = 0
        for (c, map) in maps.enumerated() {
            XCTAssertEqual([map.height, map.width], [whole.h, whole.w])
            for p in 0..<plane {
                let v = whole.data[c * plane + p]
                let expected = c == 2 || c == 3 ? v : 1 / (1 + exp(-v))
                worst = max(worst, abs(map.pixels[p] - expected))
            }
        }
        XCTAssertLessThanOrEqual(worst, 1e-4)

        var broken = model
        broken.tensors["layers.10.output_quant"] = nil
        XCTAssertThrowsError(try QuantizedNetwork(model: broken)) { error in
            XCTAssertTrue("\(error)".contains("layers.10.output_quant"), "\(error)")
        }
    }

    func testSpatialAddStillHasNoInt8Form() {
        let spec = NetworkSpec(name: "residual", inChannels: 1, layers: [
            .conv(4, save: "a"), .conv(4), .add(with: "a"), .conv(1, k: 1, act: .none),
        ])
        XCTAssertThrowsError(try QuantizedNetwork.validatedPlan(spec)) { error in
            XCTAssertTrue("\(error)".contains("layer 2: add of two spatial tensors"), "\(error)")
        }
        XCTAssertNil(QuantizedNetwork.unsupportedReason(.blurSegV3))
    }
}
