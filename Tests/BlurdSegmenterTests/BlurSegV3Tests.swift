import BlurdCore
import XCTest
@testable import BlurdSegmenter

/// blurseg-v3's architecture: cost, geometry, format version, and the frame-level context.
final class BlurSegV3Tests: XCTestCase {
    func testCostAndGeometryStayWithinTheIssuesBudget() throws {
        let v2 = Network(spec: .blurSegDefault, seed: 1), v3 = Network(spec: .blurSegV3, seed: 1)
        let ratio = v3.flops(height: 360, width: 640) / v2.flops(height: 360, width: 640)
        XCTAssertLessThanOrEqual(ratio, 1.3)
        XCTAssertGreaterThan(ratio, 1)
        XCTAssertEqual(v3.outputStride, 4)
        // The type branch's 3×3 conv at stride 4 adds 8 px; the frame-level context adds nothing to a tile's halo.
        XCTAssertEqual(v3.receptiveField, v2.receptiveField + 8)
        let output = v3.forward(Tensor(n: 1, c: 1, h: 64, w: 96))
        XCTAssertEqual([output.c, output.h, output.w], [5, 16, 24])
        XCTAssertEqual(NetworkSpec.blurSegV3.head(OutputHead.angle)?.channels, 2..<4)
    }

    func testModelFileVersionFollowsTheSpec() throws {
        let v1 = ModelFile(network: Network(spec: .blurSegDefault, seed: 1), inputMean: 0.4, inputStd: 0.2, metadata: [:])
        let v3 = ModelFile(network: Network(spec: .blurSegV3, seed: 1), inputMean: 0.4, inputStd: 0.2, metadata: [:])
        func version(_ bytes: [UInt8]) -> UInt32 { bytes[8..<12].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        XCTAssertEqual(version(v1.serialized()), 1, "a version-1 spec keeps version 1, so blurseg-v2 re-exports byte for byte")
        let bytes = v3.serialized()
        XCTAssertEqual(version(bytes), 2)
        let decoded = try ModelFile(bytes: bytes)
        XCTAssertEqual(decoded.spec, .blurSegV3)
        XCTAssertEqual(decoded.serialized(), bytes)

        // Version-2 features in a file that says version 1: refused, not misread.
        var patched = bytes
        patched[8] = 1
        let crc = CRC32.checksum(Array(patched[0..<(patched.count - 4)]))
        withUnsafeBytes(of: crc.littleEndian) { patched.replaceSubrange((patched.count - 4)..., with: $0) }
        XCTAssertThrowsError(try ModelFile(bytes: patched)) { error in
            XCTAssertTrue("\(error)".contains("version-2 features"), "\(error)")
        }
        // And a version this build does not know.
        patched[8] = 3
        let crc3 = CRC32.checksum(Array(patched[0..<(patched.count - 4)]))
        withUnsafeBytes(of: crc3.littleEndian) { patched.replaceSubrange((patched.count - 4)..., with: $0) }
        XCTAssertThrowsError(try ModelFile(bytes: patched)) { error in
            XCTAssertTrue("\(error)".contains("version 3 is not supported"), "\(error)")
        }
    }

    func testBadGraphsAreSpecErrors() {
        let bad: [(String, NetworkSpec)] = [
            ("frame-level output", NetworkSpec(name: "x", inChannels: 1, layers: [.conv(2), .globalAveragePool()])),
            ("strided conv of a vector", NetworkSpec(name: "x", inChannels: 1, layers: [.conv(2), .globalAveragePool(), .conv(2, s: 2)])),
            ("unknown branch", NetworkSpec(name: "x", inChannels: 1, layers: [.conv(2), .conv(1, from: "nowhere")])),
            ("head outside", NetworkSpec(name: "x", inChannels: 1, layers: [.conv(2)],
                                         heads: [OutputHead(name: "blur", channel: 1, count: 2, kind: .logit)])),
            ("no blur head", NetworkSpec(name: "x", inChannels: 1, layers: [.conv(2)],
                                         heads: [OutputHead(name: "motion", channel: 0, kind: .logit)])),
            ("overlapping heads", NetworkSpec(name: "x", inChannels: 1, layers: [.conv(2)],
                                              heads: [OutputHead(name: "blur", channel: 0, kind: .logit),
                                                      OutputHead(name: "a", channel: 0, count: 2, kind: .linear)])),
        ]
        for (what, spec) in bad { XCTAssertThrowsError(try spec.validate(), what) }
    }

    func testSegmenterReadsTheBlurHeadOfAMultiHeadNet() throws {
        var random = TestRandom(seed: 3)
        let net = Network(spec: .blurSegV3, seed: 2)
        for p in net.parameters where p.name.hasSuffix(".bias") { p.value = random.values(p.value.count, -0.2, 0.2) }
        let model = ModelFile(network: net, inputMean: 0.5, inputStd: 0.25, metadata: [:])
        let segmenter = try Segmenter(model: model, precision: .fp32, threads: 1)
        var luma = GrayImage(width: 96, height: 64)
        for i in luma.pixels.indices { luma.pixels[i] = UInt8(truncatingIfNeeded: (i * 37) ^ (i / 96 * 11)) }
        let probabilities = segmenter.probabilities(luma)
        let input = Tensor(n: 1, c: 1, h: 64, w: 96, data: luma.pixels.map { (Float($0) / 255 - 0.5) / 0.25 })
        let logits = try Network(model: model).forward(input)
        for i in 0..<(16 * 24) {
            XCTAssertEqual(probabilities.pixels[i], 1 / (1 + exp(-logits.data[i])), accuracy: 1e-5)
        }
    }
}
