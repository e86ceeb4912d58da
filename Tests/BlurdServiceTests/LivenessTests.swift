@testable import BlurdService
import XCTest

final class LivenessTests: XCTestCase {
    private let now = ContinuousClock.now

    private func status(_ name: String, _ state: StreamState, silentFor seconds: Double) -> StreamStatus {
        StreamStatus(name: name, state: state, since: now - .seconds(seconds), lastProgress: now - .seconds(seconds),
                     downSince: state == .running ? nil : now - .seconds(seconds), reason: nil)
    }

    /// A camera gone for an hour (reconnecting or failed) is no reason to restart the process;
    /// a running pipeline silent beyond its timeout_s plus the margin is.
    func testOnlyHungPipelinesAndAStuckLoopFailLiveness() throws {
        let statuses = [status("dead", .reconnecting, silentFor: 3600), status("gone", .failed, silentFor: 3600),
                        status("fine", .running, silentFor: 1), status("slowsource", .running, silentFor: 100),
                        status("hung", .running, silentFor: 71)]
        let stalled = Liveness.stalled(statuses, timeouts: ["slowsource": 60, "hung": 10], now: now)
        XCTAssertEqual(stalled, ["hung"])

        let liveness = Liveness(now: now)
        liveness.reported(stalled: [], at: now)
        XCTAssertTrue(liveness.evaluate(now: now + .seconds(29)).alive)
        let stuck = liveness.evaluate(now: now + .seconds(31))
        XCTAssertFalse(stuck.alive)
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(stuck.json.utf8)) as? [String: Any])
        XCTAssertEqual(body["seconds_since_report"] as? Double, 31)
        liveness.reported(stalled: stalled, at: now)
        let hung = liveness.evaluate(now: now)
        XCTAssertFalse(hung.alive)
        XCTAssertTrue(hung.json.contains("\"stalled\":[\"hung\"]"), hung.json)
    }
}
