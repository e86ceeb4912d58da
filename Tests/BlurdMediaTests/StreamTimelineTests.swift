@testable import BlurdMedia
import XCTest

/// The timeline on hand-made timestamps: MPEG-TS units (1/90000 s, 33-bit wrap) at 25 fps.
final class StreamTimelineTests: XCTestCase {
    private let unit = 1.0 / 90000
    private let frame: Int64 = 3600
    private let wrap: Int64 = 1 << 33

    private func timeline(origin: Int64 = 0, isLive: Bool = true) -> StreamTimeline {
        StreamTimeline(timeBase: unit, origin: origin, wrapBits: 33, frameRate: 25, isLive: isLive)
    }

    private func place(_ raw: [Int64?], on timeline: inout StreamTimeline) -> [StreamTimeline.Placement] {
        raw.map { timeline.place($0) }
    }

    func testSteadyTimestampsAndSmallJitterAreUntouched() {
        var line = timeline(origin: 9000)
        let raw: [Int64] = [9000, 12600, 16200, 15300, 19800, 19800, 23400]
        let placed = place(raw, on: &line)
        XCTAssertEqual(placed.map(\.pts), raw.map { Double($0 - 9000) * unit })
        XCTAssertTrue(placed.allSatisfy { $0.jump == nil })
    }

    /// An encoder restarted in place: the pts continue one frame after the last, the jump is
    /// the raw step, and the following frames keep their raw spacing.
    func testAStepBackContinuesOneFrameLater() {
        var line = timeline()
        let placed = place([90000 * 60, 90000 * 60 + frame, 126_000, 126_000 + frame], on: &line)
        XCTAssertEqual(placed.map(\.pts), [60, 60.04, 60.08, 60.12], accuracy: 1e-9)
        XCTAssertEqual(placed[2].jump ?? 0, 1.4 - 60.04, accuracy: 1e-9)
        XCTAssertEqual(placed.compactMap(\.jump).count, 1)
    }

    /// Backward wobble that keeps going (each step within the tolerance) is bounded: once it
    /// sums to more than the tolerance below the latest pts, it is a jump.
    func testCreepingBackwardsCannotStallTheTimeline() {
        var line = timeline()
        let raw: [Int64] = [90000, 88200, 86400, 84600, 82800, 81000, 79200]
        let placed = place(raw, on: &line)
        XCTAssertEqual(placed.compactMap(\.jump).count, 1)
        let lowest = placed.map(\.pts).min()!
        XCTAssertGreaterThanOrEqual(lowest, 1 - StreamTimeline.backwardTolerance - 1e-9)
        XCTAssertGreaterThan(placed.last!.pts, 1)
    }

    func testAForwardJumpOfAnHourIsRebasedOnLiveInputsAndKeptInFiles() {
        let hour: Int64 = 3600 * 90000
        let raw: [Int64] = [0, frame, hour + 2 * frame, hour + 3 * frame]
        var live = timeline()
        let placed = place(raw, on: &live)
        XCTAssertEqual(placed.map(\.pts), [0, 0.04, 0.08, 0.12], accuracy: 1e-9)
        XCTAssertEqual(placed[2].jump ?? 0, 3600.04, accuracy: 1e-9)

        var file = timeline(isLive: false)
        let kept = place(raw, on: &file)
        XCTAssertEqual(kept.map(\.pts), raw.map { Double($0) * unit })
        XCTAssertTrue(kept.allSatisfy { $0.jump == nil })
    }

    /// Gaps shorter than the bound are kept on live inputs (a dropped second of frames), and
    /// a slow stream (one frame every 4 s: keyframes only) may step further than the minimum.
    func testGapsWithinTheBoundAreKept() {
        var live = timeline()
        let raw: [Int64] = [0, frame, 9 * 90000, 9 * 90000 + frame]
        XCTAssertEqual(place(raw, on: &live).map(\.pts), raw.map { Double($0) * unit })
        var slow = timeline()
        let second: Int64 = 90000
        let keyframes: [Int64] = [0, 4 * second, 8 * second, 12 * second, 16 * second, 46 * second]
        let placed = place(keyframes, on: &slow)
        XCTAssertEqual(placed.map(\.pts), keyframes.map { Double($0) * unit })
        XCTAssertTrue(placed.allSatisfy { $0.jump == nil })
    }

    /// The 33-bit counter wraps two seconds in: unwrapped exactly, no jump, in files and live.
    func testA33BitWrapIsUnwrappedExactly() {
        for isLive in [true, false] {
            var line = timeline(origin: wrap - 2 * 90000, isLive: isLive)
            let raw: [Int64] = (0..<100).map { (wrap - 2 * 90000 + Int64($0) * frame) % wrap }
            let placed = place(raw, on: &line)
            XCTAssertEqual(placed.map(\.pts), (0..<100).map { Double($0) * 0.04 }, accuracy: 1e-9)
            XCTAssertTrue(placed.allSatisfy { $0.jump == nil })
        }
    }

    /// libavformat unwraps one wrap by adding 2^33, so an encoder restart after it arrives as a
    /// step of almost +2^33: modulo the wrap it is the real step back, and reported as such.
    func testAStepBackThatLibavformatShiftedByAWrapIsTheRealStep() {
        var line = timeline()
        let placed = place([60 * 90000, 60 * 90000 + frame, wrap + 126_000], on: &line)
        XCTAssertEqual(placed.map(\.pts), [60, 60.04, 60.08], accuracy: 1e-9)
        XCTAssertEqual(placed[2].jump ?? 0, 1.4 - 60.04, accuracy: 1e-9)
    }

    func testFramesWithoutTimestampsFollowByOneFrame() {
        var line = timeline()
        XCTAssertEqual(place([nil, nil, 2 * frame, nil], on: &line).map(\.pts), [0, 0.04, 0.08, 0.12], accuracy: 1e-9)
    }
}

private func XCTAssertEqual(_ actual: [Double], _ expected: [Double], accuracy: Double,
                            file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(actual)", file: file, line: line)
    for (a, e) in zip(actual, expected) {
        XCTAssertEqual(a, e, accuracy: accuracy, "\(actual)", file: file, line: line)
    }
}
