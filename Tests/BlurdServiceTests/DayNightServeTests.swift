@testable import BlurdService
import BlurdTestSupport
import Foundation
import Prometheus
import XCTest

/// A camera that switches to infrared at dusk, as a file stream through a real supervisor, the
/// decoder's chroma statistic, the analyzer and the stream's sink: ffmpeg's colour testsrc2
/// turns grey, noisier and slightly softer halfway, and later goes out of focus for real.
///
/// The classic method, because on this clip it does alarm at dusk without modes (the night
/// picture reads about 0.76 against a daylight 0.93), so the test can fail; the built-in CNN
/// reads testsrc2 at 0.999 grey, noisy and blurred by up to 1.3 px alike, and would pass
/// without day/night modes at all.
///
/// Stream time decides everything (a file source is analysed frame by frame, none dropped);
/// the only waits are for the stream to reach its end, with a generous deadline.
final class DayNightServeTests: XCTestCase {
    /// Colour until 12 s, then grey with luma noise and a 1.2 px blur (the infrared picture).
    private static let night = "hue=s=0:enable='gte(t,12)',noise=c0s=24:c0f=t:enable='gte(t,12)',"
        + "gblur=sigma=1.2:enable='gte(t,12)'"
    /// A real defocus at night, from 26 s to 34 s.
    private static let defocus = "gblur=sigma=6:enable='between(t,26,34)'"

    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory.make("blurd-day-night", for: self)
    }

    /// The stream: the classic method at the clip's 320×240, 5 frames a second; thresholds at
    /// their defaults but a 6 s baseline; a mode switch after 3 s.
    private func stream(_ clip: String, dayNight: DayNightSettings) -> StreamConfig {
        var config = StreamConfig(name: "dusk", url: clip)
        config.method = "classic"
        config.analysisSize = 320
        config.sampling = SamplingConfig(fps: 5)
        config.thresholds = FocusThresholds(baselineMinutes: 0.1)
        config.dayNight = dayNight
        return config
    }

    /// The default thresholds; a switch after 3 s instead of 10, to keep the clip short.
    private static let modes = DayNightSettings(switchSeconds: 3)

    /// Runs `config` to the end of its file; returns its event lines, the log and the metrics.
    private func run(_ config: StreamConfig, state: URL? = nil) throws -> (events: [[String: Any]], log: [CapturedLog.Record], metrics: [String: Double]) {
        var config = config
        let output = directory.appendingPathComponent("\(UUID().uuidString).jsonl").path
        config.outputs = OutputsConfig(jsonl: RotatingFileConfig(path: output), frames: false)
        let registry = PrometheusCollectorRegistry()
        let log = CapturedLog()
        let fleet = StreamFleet(config: ServiceConfig(streams: [config], stateDirectory: state?.path), registry: registry,
                                logger: log.logger)
        fleet.start()
        let ended = ServeHarness.waitFor(900) { fleet.statuses.allSatisfy { $0.status.state == .stopped || $0.status.state == .failed } }
        XCTAssertTrue(fleet.stopAll(deadline: Date().addingTimeInterval(30)))
        XCTAssertTrue(ended, "the file did not reach its end: \(fleet.statuses.map(\.status))")
        XCTAssertEqual(fleet.statuses.first?.status.state, .stopped, "\(log.records.suffix(5))")
        let events = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").compactMap { line -> [String: Any]? in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return object["event"] == nil ? nil : object
        }
        return (events, log.records, ServeHarness.parseMetrics(registry.emitToString()))
    }

    private func describe(_ events: [[String: Any]]) -> [String] {
        events.map { "\($0["event"] ?? "?")@\($0["pts"] ?? "-")(\($0["mode"] ?? "?"), \($0["score"] ?? "-"))" }
    }

    /// Dusk alone: with day/night modes, no focus event; the infrared mode learns its own
    /// baseline, the switch is logged and the gauge reads 1. The same clip without modes
    /// raises focus_lost at dusk, so the clip does test something.
    func testDuskRaisesNoFocusEvent() throws {
        let clip = directory.appendingPathComponent("dusk.ts").path
        try ServeHarness.makeTestClip(at: clip, width: 320, height: 240, frames: 25 * 26, filter: Self.night)

        let withoutModes = try run(stream(clip, dayNight: DayNightSettings(irChroma: 0)))
        let lost = withoutModes.events.filter { $0["event"] as? String == "focus_lost" }
        XCTAssertEqual(lost.count, 1, "\(describe(withoutModes.events))")
        XCTAssertGreaterThanOrEqual(lost.first?["pts"] as? Double ?? 0, 12, "\(describe(withoutModes.events))")

        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: false)
        let dusk = try run(stream(clip, dayNight: Self.modes), state: state)
        XCTAssertEqual(dusk.events.compactMap { $0["event"] as? String }, ["baseline_learned", "baseline_learned"],
                       "\(describe(dusk.events))")
        XCTAssertEqual(dusk.events.compactMap { $0["mode"] as? String }, ["colour", "ir"])
        let irLearned = try XCTUnwrap(dusk.events.last?["pts"] as? Double)
        XCTAssertEqual(irLearned, 12 + 3 + 6, accuracy: 0.5, "switched 3 s after dusk, then 6 s of learning")
        let switches = dusk.log.filter { $0.message.hasPrefix("day/night mode") }
        XCTAssertEqual(switches.count, 1, "\(switches)")
        XCTAssertTrue(switches.first?.message.hasPrefix("day/night mode colour → ir at pts 15.") ?? false, "\(switches)")
        XCTAssertEqual(switches.first?.level, .notice)
        XCTAssertEqual(dusk.metrics["blurd_stream_ir_mode{stream=\"dusk\"}"], 1)
        XCTAssertLessThan(dusk.metrics["blurd_stream_chroma{stream=\"dusk\"}"] ?? .nan, 1, "the last frame is grey")
        XCTAssertEqual(dusk.metrics["blurd_stream_events_total{stream=\"dusk\",event=\"focus_lost\"}"], 0)

        XCTAssertEqual(withoutModes.metrics["blurd_stream_ir_mode{stream=\"dusk\"}"], 0, "modes off: always colour")
        // Both baselines were saved; a restart restores both, each with its mode.
        let restarted = try run(stream(clip, dayNight: Self.modes), state: state)
        XCTAssertEqual(restarted.events.compactMap { $0["event"] as? String }, ["baseline_restored", "baseline_restored"],
                       "\(describe(restarted.events))")
        XCTAssertEqual(restarted.events.compactMap { $0["mode"] as? String }, ["colour", "ir"])
    }

    /// A real defocus at night, after the switch and the infrared baseline: focus_lost in
    /// infrared mode within the usual min_duration_s (2 s, plus the moving average's lag of a
    /// few frames), and focus_restored once it is sharp again.
    func testANightDefocusStillRaisesFocusLost() throws {
        let clip = directory.appendingPathComponent("night-defocus.ts").path
        try ServeHarness.makeTestClip(at: clip, width: 320, height: 240, frames: 25 * 40,
                                      filter: Self.night + "," + Self.defocus)
        let night = try run(stream(clip, dayNight: Self.modes))
        let kinds = night.events.compactMap { $0["event"] as? String }
        XCTAssertEqual(kinds, ["baseline_learned", "baseline_learned", "focus_lost", "focus_restored"], "\(describe(night.events))")
        let lost = try XCTUnwrap(night.events.first { $0["event"] as? String == "focus_lost" })
        XCTAssertEqual(lost["mode"] as? String, "ir")
        let pts = try XCTUnwrap(lost["pts"] as? Double)
        XCTAssertGreaterThanOrEqual(pts, 26 + 2, "\(describe(night.events))")
        XCTAssertLessThanOrEqual(pts, 26 + 2 + 1, "\(describe(night.events))")
        XCTAssertEqual(night.metrics["blurd_stream_focus_lost{stream=\"dusk\"}"], 0)
        XCTAssertEqual(night.metrics["blurd_stream_ir_mode{stream=\"dusk\"}"], 1)
    }
}
