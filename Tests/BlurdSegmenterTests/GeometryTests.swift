import XCTest
@testable import BlurdSegmenter

final class GeometryTests: XCTestCase {
    func testDefaultNetworkGeometry() {
        let net = Network(spec: .blurSegDefault, seed: 1)
        // Receptive field, walking the layers with the current input-pixel step ("jump"):
        // conv s2: 1 + 2·1 = 3 (jump 2); conv s2: 3 + 2·2 = 7 (jump 4); conv: 7 + 2·4 = 15 (q4);
        // conv s2: 15 + 2·4 = 23 (jump 8); d2: 23 + 4·8 = 55; d4: 55 + 8·8 = 119; d8: 119 + 16·8 = 247;
        // bilinear up reads two neighbours on the ⅛ grid: 247 + 8 = 255 (jump 4);
        // concat keeps the larger field; conv 3×3 at jump 4: 255 + 2·4 = 263; the 1×1 adds nothing.
        XCTAssertEqual(net.receptiveField, 263)
        XCTAssertEqual(net.outputStride, 4)
        // Reach to one side: ⅛-grid features reach (247 − 1) / 2 = 123 px around their centre.
        // An even ¼-grid pixel 2m at 8m reads ⅛-grid m − 1 and m (8 px left of it), an odd one
        // 2m + 1 at 8m + 4 reads m and m + 1 (4 px either side): [−131, 127]. The 3×3 conv on
        // the ¼ grid adds 4 px: [−135, 131]. So a halo of 135 px is needed, not 131.
        XCTAssertEqual(net.plan.reach, 135)
        XCTAssertEqual(net.plan.alignment, 8)
        let size = net.outputSize(height: 360, width: 640)
        XCTAssertEqual(size.height, 90)
        XCTAssertEqual(size.width, 160)
        // 2·k²·in·out·H·W per conv at 360×640:
        let macs: [Int] = [
            9 * 1 * 16 * 180 * 320,     // conv 1→16, stride 2
            9 * 16 * 16 * 90 * 160,     // conv 16→16, stride 2
            9 * 16 * 24 * 90 * 160,     // conv 16→24 (q4)
            9 * 24 * 32 * 45 * 80,      // conv 24→32, stride 2
            3 * 9 * 32 * 32 * 45 * 80,  // three dilated 32→32
            9 * 56 * 16 * 90 * 160,     // conv after concat, 32+24→16
            1 * 16 * 1 * 90 * 160,      // 1×1 head
        ]
        let expected = 2 * Double(macs.reduce(0, +))
        XCTAssertEqual(expected, 664_012_800)
        XCTAssertEqual(net.flops(height: 360, width: 640), expected)
    }

    func testParameterOrderAndShapes() {
        let net = Network(spec: .blurSegDefault, seed: 1)
        XCTAssertEqual(net.parameters.count, 18)
        XCTAssertEqual(net.parameters[0].name, "layers.0.weight")
        XCTAssertEqual(net.parameters[0].shape, [16, 1, 3, 3])
        XCTAssertEqual(net.parameters[1].shape, [16])
        XCTAssertEqual(net.parameters[14].shape, [16, 56, 3, 3])
        XCTAssertEqual(net.parameters[17].name, "layers.10.bias")
        // He-normal: weight variance about 2 / fan-in.
        let w = net.parameters[14].value
        let sumOfSquares: Double = w.reduce(0) { $0 + Double($1) * Double($1) }
        let heVariance = 2.0 / Double(56 * 9)
        XCTAssertEqual(sumOfSquares / Double(w.count), heVariance, accuracy: 0.1 * heVariance)
        XCTAssertEqual(Network(spec: .blurSegDefault, seed: 1).parameters[14].value, w)
        XCTAssertNotEqual(Network(spec: .blurSegDefault, seed: 2).parameters[14].value, w)
    }

    func testSpecJSONKeepsTheSharedKeys() throws {
        let json = """
        {"name": "x", "in_ch": 3, "layers": [{"op": "conv", "out": 16, "s": 2}, {"op": "conv", "out": 16, "save": "q"},
         {"op": "up", "to": "q"}, {"op": "concat", "with": "q"}, {"op": "conv", "out": 1, "k": 1, "act": "sigmoid"}]}
        """
        let spec = try JSONDecoder().decode(NetworkSpec.self, from: Data(json.utf8))
        XCTAssertEqual(spec.inChannels, 3)
        XCTAssertEqual(spec.layers[0], LayerSpec(op: .conv, out: 16, s: 2))
        XCTAssertEqual(spec.layers[0].kernel, 3)
        XCTAssertEqual(spec.layers[0].activation, .relu)
        XCTAssertEqual(spec.layers[4].activation, .sigmoid)
        let again = try JSONDecoder().decode(NetworkSpec.self, from: JSONEncoder().encode(spec))
        XCTAssertEqual(again, spec)
    }

    func testInvalidSpecsAreRejected() {
        XCTAssertThrowsError(try NetworkSpec(name: "x", inChannels: 1, layers: [.concat(with: "nope")]).validate()) {
            XCTAssertEqual("\($0)", "network spec layer 0: no saved tensor named 'nope'")
        }
        XCTAssertNoThrow(try NetworkSpec.blurSegDefault.validate())
        XCTAssertThrowsError(try NetworkPlan(spec: NetworkSpec(name: "x", inChannels: 3, layers: [.conv(4, groups: 2)])))
        XCTAssertThrowsError(try NetworkPlan(spec: NetworkSpec(name: "x", inChannels: 1, layers: [
            .conv(4, save: "a"), .conv(4, s: 2), .concat(with: "a"),
        ])))
    }
}
