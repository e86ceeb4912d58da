import BlurdAnalysis
@testable import BlurdService
import BlurdCore
import BlurdMedia
import BlurdTestSupport
import Foundation
import Prometheus
import XCTest

/// Live loopback sources (TCP on 127.0.0.1) whose timestamps go back, leap or wrap: the focus
/// monitor fed every sampled frame raises no event, and through a real stream supervisor every
/// frame is still analysed or dropped by the ring (never stalled by sampling), no event fires,
/// and each jump is logged and counted.
///
/// Around every seam the picture is blurred for 0.2 s on each side (scores below the focus_lost
/// threshold for about 0.3 s of stream time), with `min_duration_s` 1: a seam whose time was
/// taken at face value (an hour, or 26.5 h for a restart libavformat shifted by a wrap) would
/// confirm a `focus_lost` across it.
final class TimestampJumpServeTests: XCTestCase {
    private static let fps = 10.0
    /// A baseline of 6 s of stream time: learned at 6 s into a 9 s run, whatever the clocks said.
    private static let thresholds = FocusThresholds(minDurationSeconds: 1, smoothing: 1, baselineMinutes: 0.1)

    /// The three seams of `testARestartAndAnHourLeapInOneConnection` in one byte stream.
    private func jumpingStream(_ directory: URL) throws -> Data {
        try TimestampClips.concatenated([
            try clip(directory, "a.ts", offset: 100, blurStart: false, blurEnd: true),
            try clip(directory, "b.ts", offset: 0, blurStart: true, blurEnd: true),
            try clip(directory, "c.ts", offset: 3 + 3600, blurStart: true, blurEnd: false),
        ])
    }

    /// Reads each payload as one connection of a live loopback source, sampled at `fps`, and
    /// feeds every frame to one focus monitor, as a stream's sink does (timing restarted per
    /// connection). Returns the events and the frames' scores.
    private func monitor(_ payloads: [Data]) throws -> (events: [FocusEvent], scores: [Double]) {
        let server = try LoopbackStreamServer(payloads: payloads)
        defer { server.stop() }
        var monitor = FocusMonitor(thresholds: Self.thresholds)
        let analyzer = ClassicAnalyzer()
        var events: [FocusEvent] = [], scores: [Double] = []
        for _ in payloads {
            var options = VideoSourceOptions(url: "tcp://127.0.0.1:\(server.port)")
            options.fps = Self.fps
            options.analysisLongSide = 160
            let source = try VideoSource(options: options)
            monitor.restartTiming()
            var luma = GrayImage(width: 0, height: 0)
            while let meta = try source.nextFrame(into: &luma) {
                let analysis = try analyzer.analyze(luma)
                if let score = analysis.score { scores.append(score) }
                events += monitor.observe(pts: meta.pts, state: analysis.state, score: analysis.score)
            }
        }
        return (events, scores)
    }

    private func clip(_ directory: URL, _ name: String, offset: Double, blurStart: Bool, blurEnd: Bool) throws -> String {
        let blurred = [blurStart ? "lt(t,0.2)" : nil, blurEnd ? "gte(t,2.8)" : nil].compactMap { $0 }
        return try TimestampClips.make(at: directory.appendingPathComponent(name).path, frames: 75, offset: offset,
                                       filter: blurred.isEmpty ? nil : "gblur=sigma=8:enable='\(blurred.joined(separator: "+"))'")
    }

    /// Runs one stream on `payloads` (one per connection) until `frames` sampled frames were
    /// analysed or dropped; returns its JSON Lines, its metrics and the warnings logged.
    private func serve(_ payloads: [Data], frames: Int, in directory: URL) throws -> (lines: [[String: Any]], metrics: [String: Double], warnings: [String]) {
        let server = try LoopbackStreamServer(payloads: payloads)
        defer { server.stop() }
        var config = StreamConfig(name: "cam", url: "tcp://127.0.0.1:\(server.port)")
        config.method = "classic"
        config.analysisSize = 160
        config.sampling = SamplingConfig(fps: Self.fps)
        config.reconnect = ReconnectPolicy(initialSeconds: 0.05, maxSeconds: 0.2)
        config.thresholds = FocusThresholds(minDurationSeconds: 1, smoothing: 1, baselineMinutes: 0)
        let output = directory.appendingPathComponent("cam.jsonl").path
        config.outputs = OutputsConfig(jsonl: RotatingFileConfig(path: output))
        let registry = PrometheusCollectorRegistry()
        let log = CapturedLog()
        let fleet = StreamFleet(config: ServiceConfig(streams: [config]), registry: registry, logger: log.logger)
        fleet.start()
        func sample(_ name: String) -> Double { ServeHarness.parseMetrics(registry.emitToString())["\(name){stream=\"cam\"}"] ?? 0 }
        let done = ServeHarness.waitFor(120) {
            server.connections > payloads.count
                && sample("blurd_stream_frames_analysed_total") + sample("blurd_stream_frames_dropped_total") >= Double(frames)
        }
        XCTAssertTrue(fleet.stopAll(deadline: Date().addingTimeInterval(10)))
        XCTAssertTrue(done, "analysed \(sample("blurd_stream_frames_analysed_total")), "
                      + "dropped \(sample("blurd_stream_frames_dropped_total")) of \(frames)")
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let warnings = log.records.filter { $0.level == .warning }.map(\.message)
        return (lines, ServeHarness.parseMetrics(registry.emitToString()), warnings)
    }

    /// Every sampled frame of a restart and an hour's leap, in order, through the focus
    /// monitor: no focus or texture event across either seam, and the baseline is learned after
    /// 6 s of stream time, not early because a clock leapt.
    func testFocusMonitorSeesStreamTimeAcrossJumps() throws {
        let directory = try TemporaryDirectory.make("blurd-monitor-jumps", for: self)
        let (events, scores) = try monitor([try jumpingStream(directory)])
        XCTAssertEqual(scores.count, 90)
        XCTAssertGreaterThanOrEqual(scores.filter { $0 < Self.thresholds.focusLost }.count, 4, "\(scores)")
        XCTAssertEqual(events.map(\.kind), [.baselineLearned])
        XCTAssertEqual(events.first?.pts ?? 0, 6, accuracy: 0.15)
    }

    /// A stream whose connection ends just before the 33-bit wrap and comes back just after it,
    /// its pts starting again near 0, with the blur spanning the reconnect: no event.
    func testFocusMonitorAcrossAReconnectOverTheWrap() throws {
        let directory = try TemporaryDirectory.make("blurd-monitor-wrap", for: self)
        let parts = try wrapParts(directory)
        let (events, scores) = try monitor(try parts.map { try Data(contentsOf: URL(fileURLWithPath: $0)) })
        XCTAssertEqual(scores.count, 60)
        XCTAssertGreaterThanOrEqual(scores.filter { $0 < Self.thresholds.focusLost }.count, 3, "\(scores)")
        XCTAssertEqual(events.map(\.kind), [])
    }

    /// Three seconds ending 0.5 s before the wrap (blurred at its end), and three seconds from
    /// 1.4 s after it (blurred at its start); ffmpeg's 1.4 s muxing delay comes on top of each offset.
    private func wrapParts(_ directory: URL) throws -> [String] {
        [try clip(directory, "before.ts", offset: TimestampClips.wrapSeconds - 1.4 - 3.5, blurStart: false, blurEnd: true),
         try clip(directory, "after.ts", offset: 0, blurStart: true, blurEnd: false)]
    }

    /// One connection carrying an encoder restarted in place (100 s back to the start) and then
    /// a clock set an hour ahead: both seams continue one frame later, and are reported.
    func testARestartAndAnHourLeapInOneConnection() throws {
        let directory = try TemporaryDirectory.make("blurd-serve-jumps", for: self)
        let run = try serve([try jumpingStream(directory)], frames: 90, in: directory)

        let frames = run.lines.filter { $0["frame"] != nil }
        let pts = frames.compactMap { $0["pts"] as? Double }
        XCTAssertEqual(pts.count, frames.count)
        XCTAssertTrue(zip(pts, pts.dropFirst()).allSatisfy { $0 < $1 }, "\(pts)")
        XCTAssertLessThan(pts.last ?? .infinity, 9)
        let jumps = frames.compactMap { $0["discontinuity"] as? Double }
        XCTAssertLessThanOrEqual(jumps.count, 2)

        XCTAssertEqual(run.lines.compactMap { $0["event"] as? String }, [])
        XCTAssertEqual(run.metrics["blurd_stream_timestamp_jumps_total{stream=\"cam\"}"], 2)
        let logged = run.warnings.filter { $0.hasPrefix("timestamps jumped by") }
        XCTAssertEqual(logged.count, 2, "\(run.warnings)")
        XCTAssertTrue(logged.first?.hasPrefix("timestamps jumped by -102.9") ?? false, "\(logged)")
        XCTAssertTrue(logged.last?.hasPrefix("timestamps jumped by +3600.0") ?? false, "\(logged)")
    }

    /// The 33-bit wrap: the first connection ends just before it, the second starts just after
    /// it (its pts start again near 0), and the third crosses it within one open. Every frame
    /// is analysed, each connection's pts rise, and nothing is a jump or an event.
    func testTheMPEGTSWrapAcrossAReconnectAndWithinAConnection() throws {
        let directory = try TemporaryDirectory.make("blurd-serve-wrap", for: self)
        let across = try TimestampClips.make(at: directory.appendingPathComponent("across.ts").path, frames: 150,
                                             offset: TimestampClips.wrapSeconds - 1.4 - 3)
        let payloads = try (wrapParts(directory) + [across]).map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let run = try serve(payloads, frames: 30 + 30 + 60, in: directory)

        let pts = run.lines.compactMap { $0["frame"] != nil ? $0["pts"] as? Double : nil }
        let fallsBack = zip(pts, pts.dropFirst()).filter { $0 >= $1 }.count
        XCTAssertLessThanOrEqual(fallsBack, 2, "\(pts)")
        XCTAssertTrue(pts.allSatisfy { $0 < 6 }, "\(pts)")
        XCTAssertTrue(run.lines.allSatisfy { $0["discontinuity"] == nil && $0["event"] == nil }, "\(run.lines.filter { $0["event"] != nil })")
        XCTAssertEqual(run.metrics["blurd_stream_timestamp_jumps_total{stream=\"cam\"}"], 0)
        XCTAssertGreaterThanOrEqual(run.metrics["blurd_stream_reconnects_total{stream=\"cam\"}"] ?? 0, 3)
    }
}
