import XCTest
@testable import BlurdSegmenter
import BlurdTestSupport

final class ModelFileTests: XCTestCase {
    private let bnSpec = NetworkSpec(name: "bn-net", inChannels: 1, layers: [
        .conv(4, s: 2, act: .none), .batchNorm(act: .relu, save: "a"),
        .conv(4, act: .none), .batchNorm(act: .leaky),
        .add(with: "a"), .conv(1, k: 1, act: .none),
    ])

    private func networkWithStatistics() -> Network {
        var random = TestRandom(seed: 21)
        let net = Network(spec: bnSpec, seed: 4)
        for p in net.parameters where !p.name.hasSuffix(".weight") { p.value = random.values(p.value.count, 0.5, 1.5) }
        for p in net.statistics { p.value = random.values(p.value.count, 0.2, 1.2) }
        return net
    }

    private func model() -> ModelFile {
        var file = ModelFile(network: networkWithStatistics(), inputMean: 0.45, inputStd: 0.226,
                             metadata: ["command": "blurd train --seed 4", "seed": "4"])
        file.tensors["layers.0.weight.int8"] = StoredTensor(i8: [-128, 0, 5, 127] + [Int8](repeating: 3, count: 32),
                                                            shape: [4, 1, 3, 3], scales: [0.5, 0.25, 1, 2])
        return file
    }

    func testRoundTripIsExact() throws {
        let original = model()
        let bytes = original.serialized()
        XCTAssertEqual(Array(bytes[0..<8]), Array("BLURDMDL".utf8))
        let decoded = try ModelFile(bytes: bytes)
        XCTAssertEqual(decoded.spec, original.spec)
        XCTAssertEqual(decoded.inputMean, 0.45)
        XCTAssertEqual(decoded.inputStd, 0.226)
        XCTAssertEqual(decoded.metadata, original.metadata)
        XCTAssertEqual(decoded.tensors, original.tensors)
        XCTAssertEqual(decoded.serialized(), bytes)

        let path = try TemporaryDirectory.make("blurd-model", for: self).appendingPathComponent("roundtrip.blurdmodel").path
        try original.write(to: path)
        XCTAssertEqual(try ModelFile.read(contentsOf: path).serialized(), bytes)
    }

    func testBatchNormIsFoldedAndGivesTheSameOutput() throws {
        let net = networkWithStatistics()
        var random = TestRandom(seed: 9)
        let x = random.tensor(n: 1, c: 1, h: 17, w: 14)
        let expected = net.forward(x)
        let folded = try Network(model: ModelFile(network: net, inputMean: 0, inputStd: 1, metadata: [:]))
        // The first bn is folded (its save moves to the conv); the second too.
        XCTAssertEqual(folded.spec.layers.map(\.op), [.conv, .conv, .add, .conv])
        XCTAssertEqual(folded.spec.layers[0].save, "a")
        XCTAssertEqual(folded.spec.layers[1].activation, .leaky)
        XCTAssertTrue(folded.statistics.isEmpty)
        let y = folded.forward(x)
        XCTAssertEqual(y.count, expected.count)
        XCTAssertLessThan(zip(y.data, expected.data).map { abs($0 - $1) }.max()!, 1e-5)
        XCTAssertGreaterThan(expected.data.map(abs).max()!, 0.1, "a zero output would make the comparison empty")
    }

    func testTruncatedFilesAreRejected() {
        let bytes = model().serialized()
        for length in [0, 4, 8, 11, 19, 20, 100, bytes.count / 2, bytes.count - 1] {
            XCTAssertThrowsError(try ModelFile(bytes: Array(bytes[0..<length])), "length \(length)") { error in
                guard case ModelFileError.truncated = error else { return XCTFail("length \(length): \(error)") }
            }
        }
    }

    func testCorruptFilesAreRejected() {
        let bytes = model().serialized()
        for offset in [30, bytes.count / 2, bytes.count - 5, bytes.count - 1] {
            var corrupt = bytes
            corrupt[offset] ^= 0x10
            XCTAssertThrowsError(try ModelFile(bytes: corrupt)) { error in
                guard case ModelFileError.checksumMismatch = error else { return XCTFail("offset \(offset): \(error)") }
                XCTAssertTrue("\(error)".contains("corrupt"))
            }
        }
        var wrongMagic = bytes
        wrongMagic[0] = UInt8(ascii: "X")
        XCTAssertThrowsError(try ModelFile(bytes: wrongMagic)) { XCTAssertEqual($0 as? ModelFileError, .badMagic) }
        XCTAssertThrowsError(try ModelFile(bytes: Array("PNG not a model file at all".utf8))) {
            XCTAssertEqual($0 as? ModelFileError, .badMagic)
        }
        var wrongVersion = bytes
        wrongVersion[8] = 9
        XCTAssertThrowsError(try ModelFile(bytes: wrongVersion)) { XCTAssertEqual($0 as? ModelFileError, .unsupportedVersion(9)) }
    }

    func testInconsistentContentWithAValidChecksumIsMalformed() {
        var bytes = model().serialized()
        // Claim one tensor more than the table holds, then re-seal the checksum.
        let headerLength = Int(bytes[16]) | Int(bytes[17]) << 8 | Int(bytes[18]) << 16 | Int(bytes[19]) << 24
        bytes[28 + headerLength] += 1
        bytes.removeLast(4)
        withUnsafeBytes(of: CRC32.checksum(bytes).littleEndian) { bytes.append(contentsOf: $0) }
        XCTAssertThrowsError(try ModelFile(bytes: bytes)) { error in
            guard case ModelFileError.malformed = error else { return XCTFail("\(error)") }
        }
    }

    func testMismatchedTensorsAreRejected() {
        var wrongShape = model()
        wrongShape.tensors["layers.2.weight"] = StoredTensor(f32: [Float](repeating: 0, count: 4 * 4 * 9), shape: [4, 4, 9])
        XCTAssertThrowsError(try ModelFile(bytes: wrongShape.serialized())) {
            XCTAssertEqual($0 as? ModelFileError, .shapeMismatch(name: "layers.2.weight", expected: [4, 4, 3, 3], found: [4, 4, 9]))
        }
        var missing = model()
        missing.tensors["layers.3.running_var"] = nil
        XCTAssertThrowsError(try ModelFile(bytes: missing.serialized())) {
            XCTAssertEqual($0 as? ModelFileError, .missingTensor("layers.3.running_var"))
        }
        var wrongArchitecture = model()
        wrongArchitecture.spec = .blurSegDefault
        XCTAssertThrowsError(try ModelFile(bytes: wrongArchitecture.serialized())) {
            XCTAssertEqual($0 as? ModelFileError, .shapeMismatch(name: "layers.0.weight", expected: [16, 1, 3, 3], found: [4, 1, 3, 3]))
        }
    }

    /// Each spec number whose products used to trap in `NetworkPlan`, in a file with a valid
    /// checksum: refused as malformed, naming the layer and the range.
    func testAbsurdSpecNumbersAreMalformedNotATrap() {
        func rejection(_ change: (inout NetworkSpec) -> Void) -> String {
            var file = model()
            change(&file.spec)
            do {
                _ = try ModelFile(bytes: file.serialized())
                return "accepted"
            } catch let error as ModelFileError {
                XCTAssertEqual(error.exitCode, 2)
                return "\(error)"
            } catch {
                return "unexpected \(error)"
            }
        }
        let prefix = "model file is malformed: network spec layer"
        XCTAssertEqual(rejection { $0.layers[2].k = Int.max }, "\(prefix) 2: k must be in 1...31, got \(Int.max)")
        XCTAssertEqual(rejection { $0.layers[2].d = 1 << 62 }, "\(prefix) 2: d must be in 1...64, got \(1 << 62)")
        XCTAssertEqual(rejection { $0.layers[0].s = Int.max >> 2 }, "\(prefix) 0: s must be in 1...16, got \(Int.max >> 2)")
        XCTAssertEqual(rejection { $0.layers[2].out = Int.max }, "\(prefix) 2: out must be in 1...4096, got \(Int.max)")
        XCTAssertEqual(rejection { $0.inChannels = 1 << 40 }, "\(prefix) -1: in_ch must be in 1...4096, got \(1 << 40)")
        XCTAssertEqual(rejection { $0.layers = [LayerSpec](repeating: .conv(1, k: 1), count: 1001) },
                       "\(prefix) -1: the number of layers must be in 1...1000, got 1001")
        // Strides each within range multiply past the limit: 16⁴ = 65536.
        XCTAssertEqual(rejection { $0.layers = [LayerSpec](repeating: .conv(1, k: 1, s: 16), count: 4) },
                       "\(prefix) 3: total stride 65536 exceeds 4096")
        XCTAssertEqual(rejection { $0.layers[1].eps = 0 }, "\(prefix) 1: bn eps must be positive and finite")
    }

    /// A NaN bias used to run in int8 and score every frame 0.985 without a word.
    func testNonFiniteOrAbsurdTensorValuesAreRejectedAtLoad() {
        func rejection(_ name: String, _ change: (inout StoredTensor) -> Void) -> String {
            var file = model()
            change(&file.tensors[name]!)
            do {
                _ = try ModelFile(bytes: file.serialized())
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(rejection("layers.0.bias") { $0.f32[2] = .nan },
                       "model file is malformed: tensor layers.0.bias has value nan at index 2 (must be finite, |x| <= 1e6)")
        XCTAssertEqual(rejection("layers.2.weight") { $0.f32[0] = -.infinity },
                       "model file is malformed: tensor layers.2.weight has value -inf at index 0 (must be finite, |x| <= 1e6)")
        XCTAssertEqual(rejection("layers.3.running_var") { $0.f32[1] = 3e7 },
                       "model file is malformed: tensor layers.3.running_var has value 3e+07 at index 1 (must be finite, |x| <= 1e6)")
        XCTAssertEqual(rejection("layers.0.weight.int8") { $0.scales[3] = .nan },
                       "model file is malformed: tensor layers.0.weight.int8 has scale nan at index 3 (must be finite, |x| <= 1e6)")
        XCTAssertEqual(rejection("layers.0.bias") { $0.f32[2] = 1e6 }, "accepted")
    }

    /// A shape whose product overflows before a 0 dimension brings it back to 0 used to pass the
    /// size check and trap in StoredTensor (found by scripts/fuzz.sh model-file).
    func testAShapeOverflowingBeforeAZeroIsMalformedNotATrap() {
        var file = model()
        file.tensors["zz"] = StoredTensor(i8: [], shape: [1, 1, 0], scales: [])
        var bytes = file.serialized()
        let entry: [UInt8] = [2, 0] + Array("zz".utf8) + [StoredTensor.DType.i8.rawValue, 3]
        guard let at = (0...(bytes.count - entry.count)).first(where: { Array(bytes[$0..<($0 + entry.count)]) == entry }) else {
            return XCTFail("tensor zz not found")
        }
        bytes.replaceSubrange((at + entry.count)..<(at + entry.count + 8), with: [UInt8](repeating: 0xFF, count: 8))
        bytes.removeLast(4)
        withUnsafeBytes(of: CRC32.checksum(bytes).littleEndian) { bytes.append(contentsOf: $0) }
        XCTAssertThrowsError(try ModelFile(bytes: bytes)) {
            XCTAssertEqual("\($0)", "model file is malformed: tensor zz shape [4294967295, 4294967295, 0] is larger than the file")
        }
    }

    func testMissingFileIsAClearError() {
        XCTAssertThrowsError(try ModelFile.read(contentsOf: "/nonexistent/model.blurdmodel")) {
            XCTAssertTrue("\($0)".contains("/nonexistent/model.blurdmodel"))
        }
    }
}
