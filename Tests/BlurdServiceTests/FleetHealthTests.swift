import BlurdService
import XCTest

final class FleetHealthTests: XCTestCase {
    private let now = ContinuousClock.now

    private func status(_ name: String, _ state: StreamState, down: Double? = nil, progress: Double = 0) -> StreamStatus {
        StreamStatus(name: name, state: state, since: now - .seconds(down ?? 0), lastProgress: now - .seconds(progress),
                     downSince: down.map { now - .seconds($0) }, reason: state == .running ? nil : "end of stream")
    }

    private func health(_ statuses: [StreamStatus]) throws -> (Bool, [String: Any]) {
        let result = FleetHealth.evaluate(statuses.map { ($0, ReconnectPolicy(healthBudgetSeconds: 30)) }, now: now)
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any])
        XCTAssertEqual(body["healthy"] as? Bool, result.healthy)
        return (result.healthy, body)
    }

    func testReconnectingWithinBudgetIsHealthy() throws {
        let (healthy, body) = try health([status("a", .running), status("b", .reconnecting, down: 10)])
        XCTAssertTrue(healthy)
        let streams = try XCTUnwrap(body["streams"] as? [[String: Any]])
        XCTAssertEqual(streams.map { $0["state"] as? String }, ["running", "reconnecting"])
        XCTAssertEqual(streams[1]["reason"] as? String, "end of stream")
    }

    func testOverBudgetFailedOrStoppedIsUnhealthy() throws {
        XCTAssertFalse(try health([status("a", .running), status("b", .reconnecting, down: 31)]).0)
        XCTAssertFalse(try health([status("a", .failed, down: 1)]).0)
        XCTAssertFalse(try health([status("a", .stopped, down: 1)]).0)
        XCTAssertTrue(try health([status("a", .starting, down: 5)]).0)
    }

    func testWatchdogNeedsProgressFromEveryRunningPipeline() {
        let interval = Duration.seconds(5)
        XCTAssertTrue(FleetHealth.pipelinesAlive([status("a", .running, progress: 1), status("b", .reconnecting, down: 100, progress: 100)],
                                                 interval: interval, now: now))
        XCTAssertFalse(FleetHealth.pipelinesAlive([status("a", .running, progress: 1), status("b", .running, progress: 6)],
                                                  interval: interval, now: now))
    }

    func testStatusLine() {
        XCTAssertEqual(FleetHealth.statusLine([status("a", .running), status("b", .reconnecting, down: 1)]),
                       "a running; b reconnecting (end of stream)")
    }
}
