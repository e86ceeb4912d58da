import BlurdCore
import BlurdMedia
import BlurdOutput
import BlurdAnalysis
import BlurdPipeline
import BlurdSegmenter
import BlurdTestSupport
import Foundation
import XCTest

final class JSONLinesSinkTests: XCTestCase {
    private func result(_ analysis: FrameAnalysis) -> FrameResult {
        FrameResult(meta: FrameMeta(index: 7, pts: 0.28, isKeyframe: true), analysis: analysis,
                    luma: GrayImage(width: 64, height: 36))
    }

    private func object(_ line: String) throws -> [String: Any] {
        XCTAssertTrue(line.hasSuffix("\n"))
        XCTAssertEqual(line.filter { $0 == "\n" }.count, 1)
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try XCTUnwrap(parsed as? [String: Any])
    }

    func testOkFrameLineCarriesEveryFieldAndADecodableMask() throws {
        var map = BlurMap(width: 4, height: 2)
        map.probability = [0, 200, 255, 10, 127, 128, 128, 0]
        let analysis = FrameAnalysis(state: .ok, score: 0.61234, blurredFraction: map.blurredFraction, map: map)
        let json = try object(JSONLinesSink.line(for: result(analysis), method: "classic"))
        XCTAssertEqual(json["frame"] as? Int, 7)
        XCTAssertEqual(json["pts"] as? Double, 0.28)
        XCTAssertEqual(json["keyframe"] as? Bool, true)
        XCTAssertEqual(json["width"] as? Int, 64)
        XCTAssertEqual(json["height"] as? Int, 36)
        XCTAssertEqual(json["state"] as? String, "ok")
        XCTAssertEqual(json["score"] as? Double, 0.6123)
        XCTAssertEqual(json["blurred_fraction"] as? Double, 0.5)
        XCTAssertEqual(json["method"] as? String, "classic")
        let mask = try XCTUnwrap(json["mask"] as? [String: Any])
        XCTAssertEqual(mask["grid"] as? [Int], [4, 2])
        XCTAssertEqual(mask["encoding"] as? String, "rle")
        let runs = try XCTUnwrap(mask["data"] as? [Int])
        XCTAssertEqual(runs, [1, 2, 2, 2, 1])
        XCTAssertEqual(MaskRunLengths.decode(runs, count: 8),
                       [false, true, true, false, false, true, true, false])
    }

    func testATypedModelAddsTheBlurTypeFieldsAfterTheMaskAndOthersAreUnchanged() throws {
        var map = BlurMap(width: 4, height: 2)
        map.probability = [0, 200, 255, 10, 127, 128, 128, 0]
        let plain = FrameAnalysis(state: .ok, score: 0.61234, blurredFraction: map.blurredFraction, map: map)
        var typed = plain
        typed.blurType = BlurTypeSummary(defocusFraction: 0.1, motionFraction: 0.40004, dominant: .motion, motionAngle: 160)
        let plainLine = JSONLinesSink.line(for: result(plain), method: "cnn")
        let typedLine = JSONLinesSink.line(for: result(typed), method: "cnn")
        XCTAssertTrue(typedLine.hasPrefix(String(plainLine.dropLast(2))), "the fields come last, after the mask")
        let json = try object(typedLine)
        XCTAssertEqual(json["defocus_fraction"] as? Double, 0.1)
        XCTAssertEqual(json["motion_fraction"] as? Double, 0.4)
        XCTAssertEqual(json["blur_type"] as? String, "motion")
        XCTAssertEqual(json["motion_angle"] as? Double, 160)
        XCTAssertNil(try object(plainLine)["blur_type"], "a model without type heads writes none of them")

        typed.blurType = BlurTypeSummary(defocusFraction: 0, motionFraction: 0, dominant: nil, motionAngle: nil)
        let sharp = try object(JSONLinesSink.line(for: result(typed), method: "cnn"))
        XCTAssertTrue(sharp["blur_type"] is NSNull)
        XCTAssertTrue(sharp["motion_angle"] is NSNull)
        XCTAssertEqual(sharp["motion_fraction"] as? Double, 0)
    }

    func testNoTextureFrameHasNullScoreAndUnknownMask() throws {
        let line = JSONLinesSink.line(for: result(.noTexture(grid: TileGrid(imageWidth: 64, imageHeight: 36))),
                                      method: "classic")
        let json = try object(line)
        XCTAssertEqual(json["state"] as? String, "no_texture")
        XCTAssertTrue(json["score"] is NSNull)
        XCTAssertTrue(json["blurred_fraction"] is NSNull)
        XCTAssertEqual(json["mask"] as? String, "unknown")
    }

    func testNonFiniteNumbersBecomeNull() throws {
        let analysis = FrameAnalysis(state: .ok, score: .nan, blurredFraction: .infinity, map: BlurMap(width: 1, height: 1))
        let json = try object(JSONLinesSink.line(for: result(analysis), method: "classic"))
        XCTAssertTrue(json["score"] is NSNull)
        XCTAssertTrue(json["blurred_fraction"] is NSNull)
    }

    /// A frame after a timestamp jump gains one field after pts; without a jump the line is
    /// exactly the same as before the field existed.
    func testATimestampJumpAddsOnlyTheDiscontinuityField() throws {
        let analysis = FrameAnalysis.noTexture(grid: TileGrid(imageWidth: 64, imageHeight: 36))
        let plain = JSONLinesSink.line(for: result(analysis), method: "classic")
        XCTAssertTrue(plain.hasPrefix("{\"frame\":7,\"pts\":0.28,\"keyframe\":true,"), plain)
        let jumped = FrameResult(meta: FrameMeta(index: 7, pts: 0.28, isKeyframe: true, discontinuity: -58.64),
                                 analysis: analysis, luma: GrayImage(width: 64, height: 36))
        let line = JSONLinesSink.line(for: jumped, method: "classic")
        XCTAssertEqual(line, plain.replacingOccurrences(of: "\"pts\":0.28,", with: "\"pts\":0.28,\"discontinuity\":-58.64,"))
        XCTAssertEqual(try object(line)["discontinuity"] as? Double, -58.64)
    }

    func testRunLengthsStartWithASharpRunAndRoundTrip() {
        var random = SeededRandom(seed: 42)
        for _ in 0..<50 {
            let map = BlurMap(width: 9, height: 5, probability: (0..<45).map { _ in UInt8(random.next() % 256) })
            let runs = MaskRunLengths.encode(map)
            XCTAssertEqual(runs.reduce(0, +), 45)
            XCTAssertEqual(MaskRunLengths.decode(runs, count: 45), map.probability.map { $0 >= 128 })
        }
        XCTAssertEqual(MaskRunLengths.encode(BlurMap(width: 2, height: 1, fill: 255)), [0, 2])
        XCTAssertNil(MaskRunLengths.decode([3, 4], count: 5))
    }

    func testSummaryLineAndFileOutput() throws {
        let directory = try TemporaryDirectory.make("blurd-jsonl", for: self)
        let path = directory.appendingPathComponent("out.jsonl").path
        let sink = try JSONLinesSink(path: path, method: "classic")
        let analysis = FrameAnalysis(state: .ok, score: 1, blurredFraction: 0, map: BlurMap(width: 2, height: 2))
        try sink.write(result(analysis))
        let summary = RunSummary(framesDecoded: 3, framesAnalysed: 1, framesDropped: 2, corruptPackets: 4,
                                 decodeErrors: 0, noTextureFrames: 0, elapsedSeconds: 0.5, interrupted: false)
        try sink.finish(summary)

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let last = try XCTUnwrap(try object(String(lines[1]) + "\n")["summary"] as? [String: Any])
        XCTAssertEqual(last["frames_decoded"] as? Int, 3)
        XCTAssertEqual(last["frames_analysed"] as? Int, 1)
        XCTAssertEqual(last["frames_dropped"] as? Int, 2)
        XCTAssertEqual(last["corrupt_packets"] as? Int, 4)
        XCTAssertEqual(last["no_texture_frames"] as? Int, 0)
        XCTAssertEqual(last["elapsed_s"] as? Double, 0.5)
        XCTAssertEqual(last["fps"] as? Double, 2)
    }

    func testMaskDirectoryWritesPGMByFrameIndex() throws {
        // Two levels that do not exist yet: the sink creates intermediate directories.
        let directory = try TemporaryDirectory.make("blurd-masks", for: self).appendingPathComponent("masks/nested")
        let sink = try MaskDirectorySink(directory: directory.path)
        let map = BlurMap(width: 3, height: 2, probability: [0, 1, 2, 253, 254, 255])
        try sink.write(result(FrameAnalysis(state: .ok, score: 0.5, blurredFraction: 0.5, map: map)))
        let data = try Data(contentsOf: directory.appendingPathComponent("frame_000007.pgm"))
        XCTAssertEqual(Array(data), Array("P5\n3 2\n255\n".utf8) + [0, 1, 2, 253, 254, 255])
        XCTAssertEqual(MaskDirectorySink.fileName(frame: 1_234_567), "frame_1234567.pgm")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("frame_000007.motion.pgm").path),
                       "no type map without a blur-type model")

        // A blur-type model: the type map beside the probability map.
        let types = BlurTypeMap(width: 3, height: 2, motion: [0, 10, 128, 200, 255, 7], angle: [0, 30, 179, 255, 90, 255])
        try sink.write(result(FrameAnalysis(state: .ok, score: 0.5, blurredFraction: 0.5, map: map,
                                            blurType: BlurTypeSummary(defocusFraction: 0.2, motionFraction: 0.3, dominant: .mixed,
                                                                      motionAngle: nil),
                                            typeMap: types)))
        let motion = try Data(contentsOf: directory.appendingPathComponent("frame_000007.motion.pgm"))
        XCTAssertEqual(Array(motion), Array("P5\n3 2\n255\n".utf8) + [0, 10, 128, 200, 255, 7])
        let angle = try Data(contentsOf: directory.appendingPathComponent("frame_000007.angle.pgm"))
        XCTAssertEqual(Array(angle), Array("P5\n3 2\n255\n".utf8) + [0, 30, 179, 255, 90, 255])
    }

    func testTypeMapAngleBytes() {
        // (cos 2θ, sin 2θ) of θ = 30°: (0.5, 0.866); 150° has sin 2θ < 0.
        XCTAssertEqual(BlurTypeMap.angleByte(cos2: 0.5, sin2: 0.866, confidence: 0.9), 30)
        XCTAssertEqual(BlurTypeMap.angleByte(cos2: 0.5, sin2: -0.866, confidence: 0.9), 150)
        XCTAssertEqual(BlurTypeMap.angleByte(cos2: -1, sin2: 0, confidence: 0.9), 90)
        XCTAssertEqual(BlurTypeMap.angleByte(cos2: 1, sin2: -0.001, confidence: 0.9), 0, "179.97° is 0, never 180")
        XCTAssertEqual(BlurTypeMap.angleByte(cos2: 0.5, sin2: 0.866, confidence: 0.4), BlurTypeMap.noDirection)
        XCTAssertEqual(BlurTypeMap.angleByte(cos2: .nan, sin2: 0.866, confidence: 0.9), BlurTypeMap.noDirection)
    }
}
