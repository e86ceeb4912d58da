import BlurdOutput
import XCTest

final class SoftShotDetectorTests: XCTestCase {
    private func frames(_ scores: [Double?], rate: Double = 25) -> [ScoredFrame] {
        scores.enumerated().map { ScoredFrame(index: $0.offset, pts: Double($0.offset) / rate, score: $0.element) }
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
