@testable import BlurdService
import BlurdTestSupport
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

    private var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    func testBadModelFailsTheStreamWithTheReason() throws {
        var config = stream("a", "a")
        config.method = "cnn"
        config.model = "/nonexistent/model.blurdmodel"
        let fleet = StreamFleet(config: ServiceConfig(streams: [config]), registry: PrometheusCollectorRegistry(),
                                logger: quietLogger)
        fleet.start()
        XCTAssertTrue(waitForStates(fleet, ["a": .failed]))
        let reason = try XCTUnwrap(fleet.statuses.first?.status.reason)
        XCTAssertTrue(reason.contains("/nonexistent/model.blurdmodel"), reason)
        XCTAssertTrue(fleet.stopAll(deadline: Date().addingTimeInterval(5)))
    }

    /// A file source through the CNN (the built-in model at fp32): every frame is analysed and
    /// written, then the stream stops at the end of the file.
    func testFileThroughCNNIsAnalysedAndStops() throws {
        let directory = try TemporaryDirectory.make("blurd-fleet", for: self)
        let clip = directory.appendingPathComponent("clip.ts").path
        try ServeHarness.makeTestClip(at: clip, width: 320, height: 240, frames: 12)

        var config = StreamConfig(name: "net", url: clip)
        config.method = "cnn"
        config.precision = "fp32"
        config.analysisSize = 160
        let output = directory.appendingPathComponent("net.jsonl").path
        config.outputs = OutputsConfig(jsonl: RotatingFileConfig(path: output))
        let registry = PrometheusCollectorRegistry()
        let fleet = StreamFleet(config: ServiceConfig(streams: [config]), registry: registry, logger: quietLogger)
        fleet.start()
        XCTAssertTrue(waitForStates(fleet, ["net": .stopped]), "\(fleet.statuses.map(\.status))")
        XCTAssertTrue(fleet.stopAll(deadline: Date().addingTimeInterval(5)))
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        let frames = lines.filter { $0.contains("\"frame\":") }
        XCTAssertEqual(frames.count, 12)
        XCTAssertTrue(frames.allSatisfy { $0.contains("\"method\":\"cnn\"") })
        XCTAssertTrue(registry.emitToString().contains("blurd_stream_frames_analysed_total{stream=\"net\"} 12"))
    }

    func testReloadKeepsUnchangedRestartsChangedAddsAndRemoves() throws {
        let registry = PrometheusCollectorRegistry()
        let fleet = StreamFleet(config: ServiceConfig(streams: [stream("a", "a"), stream("b", "b")]),
                                registry: registry, logger: quietLogger)
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
