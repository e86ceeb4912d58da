@testable import BlurdService
import BlurdTestSupport
import Logging
import Prometheus
import XCTest
import Yams

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

    /// Runs one file stream to its end (a daemon with `stateDirectory` as its state_dir);
    /// returns its JSON Lines and the metrics text.
    private func runToEnd(_ config: StreamConfig, in directory: URL,
                          stateDirectory: String? = nil) throws -> (lines: [Substring], metrics: String) {
        var config = config
        let output = directory.appendingPathComponent("\(config.name).jsonl").path
        config.outputs = OutputsConfig(jsonl: RotatingFileConfig(path: output))
        let registry = PrometheusCollectorRegistry()
        let fleet = StreamFleet(config: ServiceConfig(streams: [config], stateDirectory: stateDirectory),
                                registry: registry, logger: quietLogger)
        fleet.start()
        XCTAssertTrue(waitForStates(fleet, [config.name: .stopped]), "\(fleet.statuses.map(\.status))")
        XCTAssertTrue(fleet.stopAll(deadline: Date().addingTimeInterval(5)))
        return (try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n"), registry.emitToString())
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
        let (lines, metrics) = try runToEnd(config, in: directory)
        let frames = lines.filter { $0.contains("\"frame\":") }
        XCTAssertEqual(frames.count, 12)
        XCTAssertTrue(frames.allSatisfy { $0.contains("\"method\":\"cnn\"") })
        XCTAssertTrue(metrics.contains("blurd_stream_frames_analysed_total{stream=\"net\"} 12"))
    }

    /// A clip that goes out of focus halfway: the focus_lost event is written and the
    /// `blurd_stream_focus_lost` gauge an alert rule watches reads 1 (systemd/blurd-alerts.yml).
    func testFocusLossSetsTheAlertGauge() throws {
        let directory = try TemporaryDirectory.make("blurd-fleet-focus", for: self)
        let clip = directory.appendingPathComponent("defocus.ts").path
        try ServeHarness.makeTestClip(at: clip, width: 320, height: 240, frames: 100, filter: "gblur=sigma=8:enable='gte(t,2)'")

        var config = StreamConfig(name: "f", url: clip)
        config.method = "classic"
        config.analysisSize = 160
        config.thresholds = FocusThresholds(minDurationSeconds: 0.4, smoothing: 1, baselineMinutes: 0)
        let (lines, metrics) = try runToEnd(config, in: directory)
        let events = lines.filter { $0.contains("\"event\":") }
        XCTAssertEqual(events.count, 1, "\(events)")
        XCTAssertTrue(events.first?.contains("\"event\":\"focus_lost\"") ?? false, "\(events)")
        XCTAssertTrue(metrics.contains("blurd_stream_focus_lost{stream=\"f\"} 1"), metrics)
        XCTAssertTrue(metrics.contains("blurd_stream_no_texture{stream=\"f\"} 0"), metrics)
    }

    /// A file stream learns its baseline and saves it in the state directory; the next run (a
    /// restarted daemon, a new fleet) restores it: a baseline_restored line instead of
    /// baseline_learned, and the gauge set before any frame could have taught it.
    func testBaselineSurvivesARestart() throws {
        let directory = try TemporaryDirectory.make("blurd-fleet-baseline", for: self)
        let clip = directory.appendingPathComponent("clip.ts").path
        try ServeHarness.makeTestClip(at: clip, width: 320, height: 240, frames: 50)
        let state = directory.appendingPathComponent("state")
        let firstRun = directory.appendingPathComponent("first"), secondRun = directory.appendingPathComponent("second")
        for folder in [state, firstRun, secondRun] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false) }

        var config = StreamConfig(name: "b", url: clip)
        config.method = "classic"
        config.analysisSize = 160
        config.thresholds = FocusThresholds(baselineMinutes: 0.01)  // 0.6 s of the 2 s clip
        func baselineEvents(_ lines: [Substring]) throws -> [(kind: String, score: Double)] {
            try lines.compactMap { line in
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                guard let kind = object["event"] as? String, kind.hasPrefix("baseline_") else { return nil }
                return (kind, try XCTUnwrap(object["score"] as? Double))
            }
        }

        let (firstLines, _) = try runToEnd(config, in: firstRun, stateDirectory: state.path)
        let learned = try baselineEvents(firstLines)
        XCTAssertEqual(learned.map(\.kind), ["baseline_learned"])
        let file = try Data(contentsOf: state.appendingPathComponent("baselines.json"))
        let stored = try XCTUnwrap((try JSONSerialization.jsonObject(with: file) as? [String: Any])?["streams"] as? [String: [String: Any]])
        let entry = try XCTUnwrap(stored["b"], "\(stored)")
        XCTAssertEqual(entry["url"] as? String, clip)
        XCTAssertEqual(entry["method"] as? String, "classic")
        XCTAssertTrue(entry["model"] is NSNull)
        XCTAssertEqual(entry["analysis_size"] as? Int, 160)
        let baseline = try XCTUnwrap((entry["modes"] as? [String: [String: Any]])?["colour"]?["baseline"] as? Double, "\(entry)")
        XCTAssertEqual(baseline, try XCTUnwrap(learned.first?.score), accuracy: 1e-4)
        XCTAssertGreaterThan(baseline, 0)

        let (secondLines, metrics) = try runToEnd(config, in: secondRun, stateDirectory: state.path)
        let restored = try baselineEvents(secondLines)
        XCTAssertEqual(restored.map(\.kind), ["baseline_restored"])
        XCTAssertEqual(restored.first?.score ?? 0, baseline, accuracy: 1e-4)
        XCTAssertTrue(secondLines.first?.contains("\"event\":\"baseline_restored\",\"pts\":null") ?? false, "\(secondLines.prefix(1))")
        XCTAssertTrue(metrics.contains("blurd_stream_sharpness_baseline{stream=\"b\"} \(baseline)\n"), metrics)
        XCTAssertTrue(metrics.contains("blurd_stream_events_total{stream=\"b\",event=\"baseline_learned\"} 0\n"), metrics)
    }

    /// The shipped alert rules parse and name only series blurd exports.
    func testShippedAlertRulesWatchRealSeries() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("systemd/blurd-alerts.yml"), encoding: .utf8)
        let document = try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any])
        let groups = try XCTUnwrap(document["groups"] as? [[String: Any]])
        let rules = try XCTUnwrap(groups.first?["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.compactMap { $0["alert"] as? String },
                       ["BlurdCameraOutOfFocus", "BlurdCameraNoTexture", "BlurdStreamDown", "BlurdFallingBehind"])
        let registry = PrometheusCollectorRegistry()
        _ = StreamMetrics(stream: "cam", registry: registry)
        let exported = registry.emitToString()
        let names = try NSRegularExpression(pattern: "blurd_[a-z_]+")
        for rule in rules {
            let expr = try XCTUnwrap(rule["expr"] as? String)
            let used = names.matches(in: expr, range: NSRange(expr.startIndex..., in: expr))
                .map { String(expr[Range($0.range, in: expr)!]) }
            XCTAssertFalse(used.isEmpty, expr)
            for name in used { XCTAssertTrue(exported.contains("\n\(name){") || exported.hasPrefix("\(name){"), "\(name) is not exported") }
        }
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
