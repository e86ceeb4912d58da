import BlurdCore
import XCTest
@testable import BlurdSegmenter

final class DefaultModelTests: XCTestCase {
    func testEmbeddedModelIsTheFileInTheSourceTree() throws {
        let embedded = try DefaultModel.load()
        let onDisk = try Data(contentsOf: modelDirectory.appendingPathComponent("default.blurdmodel"))
        // A mismatch means the binary embeds a stale copy (see default_model.S).
        XCTAssertTrue(embedded.serialized() == [UInt8](onDisk), "the binary embeds a stale default model")
    }

    func testAssemblyNamesTheModelsChecksumAndTheBinaryEmbedsTheFileOnDisk() throws {
        let onDisk = [UInt8](try Data(contentsOf: modelDirectory.appendingPathComponent("default.blurdmodel")))
        let assembly = try String(contentsOf: modelDirectory.appendingPathComponent("default_model.S"), encoding: .utf8)
        // The checksum the file stores (of every byte before it); the CRC of the whole file is
        // the same constant for every valid model, so it could not tell two models apart.
        let stored = String(format: "0x%08x", CRC32.checksum(Array(onDisk.dropLast(4))))
        let expected = "default.blurdmodel CRC-32: " + stored
        XCTAssertTrue(assembly.contains(expected), "update default_model.S to say '\(expected)'")
        XCTAssertEqual(DefaultModel.bytes, onDisk, "the binary embeds a stale model: rebuild after updating default_model.S")
    }

    private var modelDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/CBlurdModel")
    }

    func testEmbeddedModelSegmentsAFrame() throws {
        let model = try DefaultModel.load()
        XCTAssertEqual(model.spec, .blurSegDefault)
        XCTAssertGreaterThan(model.inputStd, 0)
        let segmenter = try Segmenter(model: model, precision: .fp32, threads: 1)
        var luma = GrayImage(width: 64, height: 48)
        for i in luma.pixels.indices { luma.pixels[i] = UInt8((i * 37) % 256) }
        let p = segmenter.probabilities(luma)
        XCTAssertEqual(p.width, 16)
        XCTAssertEqual(p.height, 12)
        XCTAssertTrue(p.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
