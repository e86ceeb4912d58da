import BlurdAnalysis
@testable import BlurdService
import BlurdTestSupport
import XCTest

final class RotatingLineFileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory.make("blurd-rotate", for: self)
    }

    private func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testRotatesBySizeKeepingKFiles() throws {
        let path = directory.appendingPathComponent("out.jsonl").path
        let file = try RotatingLineFile(config: RotatingFileConfig(path: path, maxBytes: 4096, keep: 2))
        // 100 lines of 1000 bytes: 4 per file, so 25 files' worth; only the newest 3 remain.
        for index in 0..<100 {
            let body = String(format: "%04d", index) + String(repeating: "x", count: 995)
            try file.write(body + "\n")
        }
        file.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertEqual(names, ["out.jsonl", "out.jsonl.1", "out.jsonl.2"])
        XCTAssertEqual(try lines(path).map { String($0.prefix(4)) }, ["0096", "0097", "0098", "0099"])
        XCTAssertEqual(try lines(path + ".1").map { String($0.prefix(4)) }, ["0092", "0093", "0094", "0095"])
        XCTAssertEqual(try lines(path + ".2").map { String($0.prefix(4)) }, ["0088", "0089", "0090", "0091"])
        for name in names {
            let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.size] as? Int)
            XCTAssertLessThanOrEqual(size, 4096)
        }
    }

    func testAppendsToAnExistingFileAndCountsItsSize() throws {
        let path = directory.appendingPathComponent("out.jsonl").path
        try Data((String(repeating: "y", count: 4000) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let file = try RotatingLineFile(config: RotatingFileConfig(path: path, maxBytes: 4096, keep: 1))
        try file.write("{\"a\":1}\n")
        try file.write(String(repeating: "z", count: 200) + "\n")
        file.close()
        XCTAssertEqual(try lines(path + ".1").count, 2, "the old content plus the first appended line")
        XCTAssertEqual(try lines(path), [String(repeating: "z", count: 200)])
    }

    func testUnwritableDirectoryIsAClearError() {
        XCTAssertThrowsError(try RotatingLineFile(config: RotatingFileConfig(path: "/nonexistent/dir/out.jsonl"))) { error in
            XCTAssertTrue("\(error)".contains("cannot open output /nonexistent/dir/out.jsonl"), "\(error)")
        }
    }

    func testEventLine() throws {
        let line = StreamOutput.line(for: FocusEvent(kind: .focusLost, pts: 12.3456789, score: 0.123456))
        XCTAssertEqual(line, "{\"event\":\"focus_lost\",\"pts\":12.345679,\"score\":0.1235,\"mode\":\"colour\"}\n")
        let covered = StreamOutput.line(for: FocusEvent(kind: .noTexture, pts: 1, score: nil))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(covered.utf8)) as? [String: Any])
        XCTAssertEqual(object["event"] as? String, "no_texture")
        XCTAssertTrue(object["score"] is NSNull)
        // A restored baseline precedes every frame: no pts.
        let restored = StreamOutput.line(for: FocusEvent(kind: .baselineRestored, pts: nil, score: 0.97412))
        XCTAssertEqual(restored, "{\"event\":\"baseline_restored\",\"pts\":null,\"score\":0.9741,\"mode\":\"colour\"}\n")
        // A model with blur-type heads: focus_lost says the type (null when nothing dominates).
        var typed = FocusEvent(kind: .focusLost, pts: 2.5, score: 0.2)
        typed.typed = true
        typed.blurType = .motion
        XCTAssertEqual(StreamOutput.line(for: typed), "{\"event\":\"focus_lost\",\"pts\":2.5,\"score\":0.2,\"mode\":\"colour\",\"blur_type\":\"motion\"}\n")
        typed.blurType = nil
        XCTAssertEqual(StreamOutput.line(for: typed), "{\"event\":\"focus_lost\",\"pts\":2.5,\"score\":0.2,\"mode\":\"colour\",\"blur_type\":null}\n")
    }

    /// The type a focus_lost reports follows the frames the score was smoothed over.
    func testBlurTypeSmoothingFollowsTheFrames() {
        var smoothing = BlurTypeSmoothing(weight: 0.3)
        XCTAssertFalse(smoothing.typed)
        XCTAssertNil(smoothing.dominant)
        smoothing.observe(nil)
        XCTAssertFalse(smoothing.typed, "frames without types (an untyped model, no_texture) change nothing")
        func frame(defocus: Double, motion: Double) -> BlurTypeSummary {
            BlurTypeSummary(defocusFraction: defocus, motionFraction: motion, dominant: nil, motionAngle: nil)
        }
        smoothing.observe(frame(defocus: 0.6, motion: 0.0))
        XCTAssertEqual(smoothing.dominant, .defocus)
        // Motion frames take over as the average moves: 0.3 of each new frame.
        smoothing.observe(frame(defocus: 0, motion: 0.6))
        XCTAssertEqual(smoothing.dominant, .mixed, "defocus 0.42, motion 0.18: 30 % motion")
        for _ in 0..<6 { smoothing.observe(frame(defocus: 0, motion: 0.6)) }
        XCTAssertEqual(smoothing.dominant, .motion, "defocus 0.6·0.7⁷ = 0.049 of 0.6: 8 % defocus")
        for _ in 0..<20 { smoothing.observe(frame(defocus: 0, motion: 0)) }
        XCTAssertNil(smoothing.dominant, "under 1 % blurred")
        XCTAssertTrue(smoothing.typed)
    }
}
