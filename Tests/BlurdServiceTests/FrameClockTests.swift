@testable import BlurdService
import XCTest

final class FrameClockTests: XCTestCase {
    func testLatencyIsTakenOnceAndDroppedFramesAreForgotten() throws {
        let clock = FrameClock()
        for index in 0..<3 { clock.markDelivered(frame: index) }
        Thread.sleep(forTimeInterval: 0.01)
        // Frame 0 was dropped by the ring; frame 1 is written.
        let latency = try XCTUnwrap(clock.latency(ofWritten: 1))
        XCTAssertGreaterThanOrEqual(latency, .milliseconds(10))
        XCTAssertNil(clock.latency(ofWritten: 0), "older frames are forgotten")
        XCTAssertNil(clock.latency(ofWritten: 1), "a latency is taken once")
        XCTAssertNotNil(clock.latency(ofWritten: 2))
    }

    func testStalledWriterKeepsABoundedRecord() {
        let clock = FrameClock()
        for index in 0..<10_000 { clock.markDelivered(frame: index) }
        XCTAssertNil(clock.latency(ofWritten: 0), "the oldest stamps were shed")
        XCTAssertNotNil(clock.latency(ofWritten: 9_999))
    }
}
