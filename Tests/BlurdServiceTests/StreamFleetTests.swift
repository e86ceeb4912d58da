@testable import BlurdService
import Logging
import Prometheus
import XCTest

/// Reloads on real supervisors whose sources are missing files: each fails at once, so the
/// fleet's bookkeeping is tested without any media.
final class StreamFleetTests: XCTestCase {
    private func stream(_ name: String, _ file: String) -> StreamConfig {
        StreamConfig(name: name, url: "/nonexistent/\(file).ts")
    }

    private func waitForStates(_ fleet: StreamFleet, _ expected: [String: StreamState]) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let states = Dictionary(uniqueKeysWithValues: fleet.statuses.map { ($0.status.name, $0.status.state) })
            if states == expected { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    func testReloadKeepsUnchangedRestartsChangedAddsAndRemoves() throws {
        let registry = PrometheusCollectorRegistry()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let fleet = StreamFleet(config: ServiceConfig(streams: [stream("a", "a"), stream("b", "b")]),
                                registry: registry, logger: logger)
        fleet.start()
        XCTAssertTrue(waitForStates(fleet, ["a": .failed, "b": .failed]))
        let failedSince = try XCTUnwrap(fleet.statuses.first { $0.status.name == "a" }?.status.since)

        let changes = fleet.apply(ServiceConfig(streams: [stream("a", "a"), stream("b", "b2"), stream("c", "c")]))
        XCTAssertEqual(changes, StreamFleet.ReloadChanges(added: ["c"], restarted: ["b"], removed: [], unchanged: ["a"]))
        XCTAssertTrue(waitForStates(fleet, ["a": .failed, "b": .failed, "c": .failed]))
        XCTAssertEqual(fleet.statuses.first { $0.status.name == "a" }?.status.since, failedSince, "a was restarted")
        XCTAssertTrue(fleet.statuses.first { $0.status.name == "b" }?.status.reason?.contains("b2.ts") ?? false)
        XCTAssertEqual(fleet.current.streams.map(\.name), ["a", "b", "c"])
        XCTAssertTrue(registry.emitToString().contains("stream=\"c\""))

        let removal = fleet.apply(ServiceConfig(streams: [stream("a", "a")]))
        XCTAssertEqual(removal.removed, ["b", "c"])
        XCTAssertEqual(fleet.statuses.map(\.status.name), ["a"])
        let metrics = registry.emitToString()
        XCTAssertFalse(metrics.contains("stream=\"c\""), "removed streams keep their series")
        XCTAssertTrue(metrics.contains("blurd_stream_state{stream=\"a\",state=\"failed\"} 1"), metrics)
        XCTAssertTrue(fleet.stopAll(deadline: Date().addingTimeInterval(5)))
    }
}
