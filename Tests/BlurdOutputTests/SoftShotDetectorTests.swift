import BlurdOutput
import Foundation
import XCTest

final class SoftShotDetectorTests: XCTestCase {
    private func frames(_ scores: [Double?], rate: Double = 25) -> [ScoredFrame] {
        scores.enumerated().map { ScoredFrame(index: $0.offset, pts: Double($0.offset) / rate, score: $0.element) }
    }

    /// A typed log: each soft shot's dominant type from its frames' fractions, in the CSV's last
    /// column; an untyped log keeps the CSV as it was.
    func testSoftShotsCarryTheirDominantBlurType() throws {
        var frames: [ScoredFrame] = []
        for index in 0..<60 {
            let soft = (10..<20).contains(index) || (30..<45).contains(index)
            // Shot 1 defocus; shot 2 motion but for two defocus frames (then 13 % defocus).
            let motion = index >= 30 && index != 31 && index != 32
            frames.append(ScoredFrame(index: index, pts: Double(index) / 25, score: soft ? 0.2 : 0.9,
                                      blurTypes: soft ? (motion ? (0, 0.5) : (0.5, 0)) : (0, 0)))
        }
        let criteria = SoftShotCriteria(enterBelow: 0.4, leaveAbove: 0.6, minimumSeconds: 0.2)
        let report = SoftShotReport(title: "t", frames: frames, frameRate: 25, criteria: criteria)
        XCTAssertEqual(report.segments.map(\.blurType), [.defocus, .motion])
        let csv = SoftShotCSV.text(for: report)
        let lines = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], SoftShotCSV.header + ",blur_type")
        XCTAssertTrue(lines[1].hasSuffix(",defocus"), lines[1])
        XCTAssertTrue(lines[2].hasSuffix(",motion"), lines[2])
        XCTAssertEqual(try SoftShotCSV.parse(csv).map(\.blurType), [.defocus, .motion])
        var kept = report
        kept.frames = []   // as triage keeps it: segments only
        XCTAssertEqual(SoftShotCSV.text(for: kept), csv)

        let untyped = SoftShotReport(title: "t", frames: frames.map { ScoredFrame(index: $0.index, pts: $0.pts, score: $0.score) },
                                     frameRate: 25, criteria: criteria)
        XCTAssertEqual(untyped.segments.map(\.blurType), [nil, nil])
        XCTAssertEqual(SoftShotCSV.text(for: untyped).split(separator: "\n").first.map(String.init), SoftShotCSV.header)
        XCTAssertThrowsError(try SoftShotCSV.parse(SoftShotCSV.typedHeader + "\n1,10,20,a,b,0.4,0.8,0.4,0.2,0.2,first_frame,blurry\n"))
    }

    /// The log reader takes the fractions of a typed log and refuses them out of range.
    func testLogReaderReadsBlurTypes() throws {
        let log = """
        {"frame":0,"pts":0,"state":"ok","score":0.3,"blurred_fraction":0.5,"defocus_fraction":0.1,"motion_fraction":0.4,"blur_type":"mixed","motion_angle":null}
        {"frame":1,"pts":0.04,"state":"ok","score":0.9}
        {"frame":2,"pts":0.08,"state":"no_texture","score":null}
        """
        let frames = try ScoreLogReader.parse(Data(log.utf8), path: "log")
        XCTAssertEqual(frames[0].blurTypes?.defocus, 0.1)
        XCTAssertEqual(frames[0].blurTypes?.motion, 0.4)
        XCTAssertNil(frames[1].blurTypes)
        XCTAssertNil(frames[2].blurTypes)
        let bad = #"{"frame":0,"pts":0,"state":"ok","score":0.3,"defocus_fraction":1.5,"motion_fraction":0}"#
        XCTAssertThrowsError(try ScoreLogReader.parse(Data(bad.utf8), path: "log")) { error in
            XCTAssertTrue("\(error)".contains("defocus_fraction"), "\(error)")
        }
    }

    func testHysteresisKeepsAFlickeringSegmentWhole() {
        // Below 0.4 from frame 10; flickers up to 0.55 (above enter, below leave); ends at frame 30.
        var scores = [Double?](repeating: 0.9, count: 40)
        for index in 10..<30 { scores[index] = index % 3 == 0 ? 0.55 : 0.2 }
        scores[10] = 0.2
        let criteria = SoftShotCriteria(enterBelow: 0.4, leaveAbove: 0.6, minimumSeconds: 0.2)
        let segments = SoftShotDetector.segments(in: frames(scores), criteria: criteria, frameRate: 25)
        XCTAssertEqual(segments.count, 1)
        XCTAssertEqual(segments.first?.startFrame, 10)
        XCTAssertEqual(segments.first?.endFrame, 30)
        XCTAssertEqual(segments.first?.startSeconds ?? -1, 0.4, accuracy: 1e-9)
        XCTAssertEqual(segments.first?.endSeconds ?? -1, 1.2, accuracy: 1e-9)
        XCTAssertEqual(segments.first?.minScore, 0.2)
        let inside = scores[10..<30].compactMap { $0 }
        XCTAssertEqual(segments.first?.meanScore ?? -1, inside.reduce(0, +) / Double(inside.count), accuracy: 1e-12)
    }

    func testWithoutHysteresisTheSameFlickerSplitsTheSegment() {
        var scores = [Double?](repeating: 0.9, count: 40)
        for index in 10..<30 { scores[index] = index % 5 == 0 ? 0.55 : 0.2 }
        let criteria = SoftShotCriteria(enterBelow: 0.4, leaveAbove: 0.4, minimumSeconds: 0)
        XCTAssertEqual(SoftShotDetector.segments(in: frames(scores), criteria: criteria, frameRate: 25).count, 4)
    }

    func testShortSegmentsAreDropped() {
        var scores = [Double?](repeating: 0.9, count: 60)
        for index in 5..<9 { scores[index] = 0.1 }    // 4 frames = 0.16 s
        for index in 20..<45 { scores[index] = 0.1 }  // 25 frames = 1 s
        let criteria = SoftShotCriteria(enterBelow: 0.5, leaveAbove: 0.6, minimumSeconds: 0.5)
        let segments = SoftShotDetector.segments(in: frames(scores), criteria: criteria, frameRate: 25)
        XCTAssertEqual(segments.map(\.startFrame), [20])
        XCTAssertEqual(segments.map(\.endFrame), [45])
    }

    func testNoTextureFramesNeitherStartNorSplitASegment() {
        var scores = [Double?](repeating: 0.9, count: 40)
        scores[2] = nil
        for index in 10..<30 { scores[index] = 0.1 }
        scores[15] = nil
        scores[16] = nil
        let segments = SoftShotDetector.segments(in: frames(scores), criteria: SoftShotCriteria(minimumSeconds: 0),
                                                 frameRate: 25)
        XCTAssertEqual(segments.map(\.startFrame), [10])
        XCTAssertEqual(segments.map(\.endFrame), [30])
    }

    func testASegmentOpenAtTheEndIsClosed() {
        let scores: [Double?] = [0.9, 0.9, 0.1, 0.1, 0.1]
        let segments = SoftShotDetector.segments(in: frames(scores), criteria: SoftShotCriteria(minimumSeconds: 0),
                                                 frameRate: 25)
        XCTAssertEqual(segments.map(\.startFrame), [2])
        XCTAssertEqual(segments.map(\.endFrame), [5])
    }

    func testFrameRateIsRecoveredFromSampledLogs() {
        let ntsc = (0..<50).map { ScoredFrame(index: $0 * 5, pts: Double($0 * 5) * 1001 / 30000, score: 0.9) }
        XCTAssertEqual(FrameRateEstimate.infer(from: ntsc), 30000.0 / 1001)
        let odd = (0..<10).map { ScoredFrame(index: $0, pts: Double($0) / 12.5, score: 0.9) }
        XCTAssertEqual(FrameRateEstimate.infer(from: odd) ?? 0, 12.5, accuracy: 1e-9)
        XCTAssertNil(FrameRateEstimate.infer(from: [ScoredFrame(index: 0, pts: 0, score: 1)]))
    }

    func testInvalidCriteriaThrow() {
        XCTAssertThrowsError(try SoftShotCriteria(enterBelow: 0.6, leaveAbove: 0.5).validate())
        XCTAssertThrowsError(try SoftShotCriteria(enterBelow: -0.1, leaveAbove: 0.5).validate())
        XCTAssertThrowsError(try SoftShotCriteria(minimumSeconds: -1).validate())
        XCTAssertNoThrow(try SoftShotCriteria().validate())
    }
}
