@testable import BlurdMedia
import CFFmpeg
import XCTest

/// The verdicts on failed reads, which `VideoSourceTests` reach only through real damaged or
/// stalled inputs.
final class ReadErrorPolicyTests: XCTestCase {
    private func policy(isLive: Bool) -> ReadErrorPolicy {
        ReadErrorPolicy(url: "in.ts", timeoutSeconds: 2.5, isLive: isLive)
    }

    func testEndOfFileAndAStopEndTheInputAndEagainRetries() throws {
        var policy = policy(isLive: true)
        XCTAssertEqual(try policy.verdict(on: blurd_averror_eof(), stopRequested: false) { false }, .end)
        XCTAssertEqual(try policy.verdict(on: blurd_averror(EIO), stopRequested: true) { false }, .end)
        XCTAssertEqual(try policy.verdict(on: blurd_averror_eagain(), stopRequested: false) { true }, .retry)
    }

    func testATimeoutIsFatalWithItsMessage() {
        var policy = policy(isLive: false)
        XCTAssertThrowsError(try policy.verdict(on: blurd_averror_exit(), stopRequested: false) { true }) {
            XCTAssertEqual($0 as? MediaError, .ioError("no data from in.ts for 2.5 s"))
        }
    }

    func testEndOfFileIsAskedOnlyWhenTheStatusDoesNotDecide() throws {
        var policy = policy(isLive: true)
        var asked = 0
        _ = try policy.verdict(on: blurd_averror_eof(), stopRequested: false) { asked += 1; return false }
        _ = try policy.verdict(on: blurd_averror_eagain(), stopRequested: false) { asked += 1; return false }
        XCTAssertEqual(asked, 0)
        XCTAssertEqual(try policy.verdict(on: blurd_averror(EIO), stopRequested: false) { asked += 1; return true }, .end)
        XCTAssertEqual(asked, 1)
    }

    func testInvalidDataEndsTheInputAfterTooManyInARow() throws {
        var policy = policy(isLive: true)
        let invalid = blurd_averror_invaliddata()
        for _ in 1..<ReadErrorPolicy.maxConsecutiveErrors {
            XCTAssertEqual(try policy.verdict(on: invalid, stopRequested: false) { false }, .corruptPacket(endsInput: false))
        }
        policy.readSucceeded()
        XCTAssertEqual(try policy.verdict(on: invalid, stopRequested: false) { false }, .corruptPacket(endsInput: false))
        for _ in 2..<ReadErrorPolicy.maxConsecutiveErrors {
            _ = try policy.verdict(on: invalid, stopRequested: false) { false }
        }
        XCTAssertEqual(try policy.verdict(on: invalid, stopRequested: false) { false }, .corruptPacket(endsInput: true))
    }

    func testOtherErrorsEndAFileButAreFatalForALiveInput() throws {
        var file = policy(isLive: false)
        XCTAssertEqual(try file.verdict(on: blurd_averror(EIO), stopRequested: false) { false }, .end)
        var live = policy(isLive: true)
        XCTAssertThrowsError(try live.verdict(on: blurd_averror(EIO), stopRequested: false) { false }) {
            XCTAssertEqual($0 as? MediaError, .ioError("reading in.ts: \(ffmpegErrorString(blurd_averror(EIO)))"))
        }
    }
}
