import BlurdImaging
import XCTest
@testable import BlurdSegmenter

final class DefaultModelTests: XCTestCase {
    func testEmbeddedModelIsTheFileInTheSourceTree() throws {
        let embedded = try DefaultModel.load()
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/CBlurdModel/default.blurdmodel").path
        // A mismatch means the binary embeds a stale copy: touch Sources/CBlurdModel/default_model.S.
        XCTAssertEqual(embedded.serialized(), try ModelFile.read(contentsOf: path).serialized())
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
