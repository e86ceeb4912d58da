import BlurdOutput
import Foundation
import XCTest

/// Timecodes that count from a source's start timecode (its `timecode` tag or tmcd track).
final class SourceTimecodeTests: XCTestCase {
    func testTimecodesCountFromTheSourceStart() {
        let format = TimecodeFormat(frameRate: 25, startTimecode: "01:00:00:00")
        XCTAssertEqual(format.origin, .source)
        XCTAssertEqual(format.startCount, 90_000)
        XCTAssertEqual(format.string(frame: 0), "01:00:00:00")
        XCTAssertEqual(format.string(frame: 25 * 61 + 3), "01:01:01:03")
        XCTAssertEqual(format.frame(of: "01:01:01:03"), 25 * 61 + 3)
        XCTAssertEqual(format.count(frame: 10), 90_010)
    }

    func testDropFrameStartAt2997() {
        let format = TimecodeFormat(frameRate: 30000.0 / 1001, startTimecode: "10:00:00;00")
        XCTAssertTrue(format.dropFrame)
        XCTAssertEqual(format.startCount, 1_078_920)
        XCTAssertEqual(format.string(frame: 1800), "10:01:00;02")
        // FFmpeg writes some drop-frame tags with a dot.
        XCTAssertEqual(TimecodeFormat(frameRate: 30000.0 / 1001, startTimecode: "10:00:00.00").startCount, 1_078_920)
        for frame in stride(from: 0, to: 40_000, by: 7) {
            XCTAssertEqual(format.frame(of: format.string(frame: frame)), frame)
        }
    }

    func testANonDropTagAt2997StaysNonDrop() {
        let format = TimecodeFormat(frameRate: 30000.0 / 1001, startTimecode: "01:00:00:00")
        XCTAssertEqual(format.origin, .source)
        XCTAssertFalse(format.dropFrame)
        XCTAssertEqual(format.string(frame: 1800), "01:01:00:00")
    }

    func testTimecodeWrapsAfterADay() {
        let format = TimecodeFormat(frameRate: 25, startTimecode: "23:59:59:24")
        XCTAssertEqual(format.string(frame: 0), "23:59:59:24")
        XCTAssertEqual(format.string(frame: 1), "00:00:00:00")
        XCTAssertEqual(format.frame(of: "00:00:00:00"), 1)
    }

    func testUnusableTagsFallBackToTheFirstFrame() {
        for tag in [nil, "", "01:00:00", "00:00:00:25", "01:00:00;00", "ab:00:00:00", "25:00:00:00", " "] as [String?] {
            let format = TimecodeFormat(frameRate: 25, startTimecode: tag)
            XCTAssertEqual(format.origin, .firstFrame, tag ?? "nil")
            XCTAssertEqual(format.string(frame: 25), "00:00:01:00")
        }
        // A dropped frame number is no start.
        XCTAssertEqual(TimecodeFormat(frameRate: 30000.0 / 1001, startTimecode: "00:01:00;00").origin, .firstFrame)
    }

    func testReportsSayWhereTheirTimecodesCountFrom() throws {
        let frames = (0..<100).map { ScoredFrame(index: $0, pts: Double($0) / 25, score: (25..<50).contains($0) ? 0.2 : 0.9) }
        let source = SoftShotReport(title: "A001.mov", frames: frames, frameRate: 25, criteria: SoftShotCriteria(),
                                    startTimecode: "01:00:00:00")
        let csv = SoftShotCSV.text(for: source)
        XCTAssertEqual(csv.split(separator: "\n").last, "1,25,50,01:00:01:00,01:00:02:00,1.000000,2.000000,1.000000,0.2000,0.2000,source")
        XCTAssertEqual(try SoftShotCSV.parse(csv).first?.startFrame, 25)
        let edl = SoftShotEDL.text(for: source)
        XCTAssertTrue(edl.contains("001  AX       V     C        01:00:01:00 01:00:02:00 01:00:01:00 01:00:02:00\r\n"), edl)
        XCTAssertTrue(edl.contains(", SOURCE TC\r\n"), edl)
        XCTAssertTrue(SharpnessTimelineSVG.text(for: source).contains(">source timecode (score 1 = sharp)<"))

        let plain = SoftShotReport(title: "A001.mov", frames: frames, frameRate: 25, criteria: SoftShotCriteria())
        XCTAssertTrue(SoftShotCSV.text(for: plain).hasSuffix(",first_frame\n"))
        XCTAssertTrue(SoftShotEDL.text(for: plain).contains(", TC FROM FIRST FRAME\r\n"))
    }
}
