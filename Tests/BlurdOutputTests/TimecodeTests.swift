import BlurdOutput
import XCTest

final class TimecodeTests: XCTestCase {
    func testNonDropFrameAt25() {
        let format = TimecodeFormat(frameRate: 25)
        XCTAssertFalse(format.dropFrame)
        XCTAssertEqual(format.string(frame: 0), "00:00:00:00")
        XCTAssertEqual(format.string(frame: 24), "00:00:00:24")
        XCTAssertEqual(format.string(frame: 25), "00:00:01:00")
        XCTAssertEqual(format.string(frame: 25 * 3661 + 7), "01:01:01:07")
    }

    func testDropFrameAt2997SkipsTwoNumbersEachMinuteButTheTenth() {
        let format = TimecodeFormat(frameRate: 30000.0 / 1001)
        XCTAssertTrue(format.dropFrame)
        XCTAssertEqual(format.nominalRate, 30)
        XCTAssertEqual(format.string(frame: 1799), "00:00:59;29")
        XCTAssertEqual(format.string(frame: 1800), "00:01:00;02")
        XCTAssertEqual(format.string(frame: 17981), "00:09:59;29")
        XCTAssertEqual(format.string(frame: 17982), "00:10:00;00")
        // One hour of 29.97 video is 107892 frames and reads 01:00:00;00.
        XCTAssertEqual(format.string(frame: 107_892), "01:00:00;00")
        XCTAssertNil(format.frame(of: "00:01:00;00"), "a dropped number is not a frame")
        XCTAssertEqual(format.frame(of: "00:10:00;00"), 17982)
    }

    func testDropFrameAt5994DropsFour() {
        let format = TimecodeFormat(frameRate: 60000.0 / 1001)
        XCTAssertTrue(format.dropFrame)
        XCTAssertEqual(format.string(frame: 3599), "00:00:59;59")
        XCTAssertEqual(format.string(frame: 3600), "00:01:00;04")
    }

    func testOtherRatesAreNonDrop() {
        XCTAssertFalse(TimecodeFormat(frameRate: 24000.0 / 1001).dropFrame)
        XCTAssertEqual(TimecodeFormat(frameRate: 24000.0 / 1001).nominalRate, 24)
        XCTAssertFalse(TimecodeFormat(frameRate: 30).dropFrame)
        XCTAssertFalse(TimecodeFormat(frameRate: 50).dropFrame)
    }

    func testParsingInvertsFormattingForEveryFrameOfAQuarterHour() {
        for format in [TimecodeFormat(frameRate: 25), TimecodeFormat(frameRate: 30000.0 / 1001)] {
            for frame in 0..<27_000 {
                XCTAssertEqual(format.frame(of: format.string(frame: frame)), frame)
            }
        }
    }

    func testMalformedTimecodesAreRejected() {
        let format = TimecodeFormat(frameRate: 25)
        for text in ["00:00:00", "00:00:00:25", "00:60:00:00", "24:00:00:00", "00:00:00;00", "0a:00:00:00"] {
            XCTAssertNil(format.frame(of: text), text)
        }
    }
}
