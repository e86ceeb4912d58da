@testable import BlurdService
import BlurdCore
import BlurdMedia
import BlurdAnalysis
import BlurdPipeline
import BlurdTestSupport
import Foundation
import Prometheus
import XCTest

/// A stream's sink with a `BaselineStore`: restoring at creation, saving what it learns, and
/// learning again once an operator deletes the entry.
final class StreamSinkBaselineTests: XCTestCase {
    private let learnedAt = Date(timeIntervalSince1970: 1_795_669_200)  // 2026-11-26T05:00:00Z

    /// Absolute 0.6/0.7, a 6 s baseline (0.1 min), drop 0.15, no smoothing, 1 s confirmation;
    /// event lines only.
    private func stream(output: URL) -> StreamConfig {
        var stream = StreamConfig(name: "door", url: "rtsp://192.0.2.10/stream1")
        stream.thresholds = FocusThresholds(focusLost: 0.6, focusRestored: 0.7, minDurationSeconds: 1, smoothing: 1,
                                            baselineMinutes: 0.1, baselineDrop: 0.15)
        stream.outputs = OutputsConfig(jsonl: RotatingFileConfig(path: output.path), frames: false)
        return stream
    }

    /// Writes textured frames with `scores` at 10 fps from `start` s.
    private func feed(_ sink: StreamSink, _ scores: [Double], start: Double) throws {
        for (index, score) in scores.enumerated() {
            let analysis = FrameAnalysis(state: .ok, score: score, blurredFraction: 0, map: BlurMap(width: 1, height: 1))
            try sink.write(FrameResult(meta: FrameMeta(index: index, pts: start + Double(index) / 10, isKeyframe: true),
                                       analysis: analysis, luma: GrayImage(width: 1, height: 1)))
        }
    }

    /// The event lines of `output`, parsed.
    private func events(_ output: URL) throws -> [[String: Any]] {
        try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    func testRestoredBaselineIsAnnouncedAndHoldsFromTheFirstFrame() throws {
        let directory = try TemporaryDirectory.make("blurd-sink-restore", for: self)
        let output = directory.appendingPathComponent("door.jsonl")
        let config = stream(output: output)
        let store = BaselineStore(directory: directory.path, logger: CapturedLog().logger)
        XCTAssertTrue(store.save(0.974, for: config, learnedAt: learnedAt))
        let registry = PrometheusCollectorRegistry()
        let log = CapturedLog()
        let sink = try StreamSink(config: config, metrics: StreamMetrics(stream: "door", registry: registry),
                                  baselines: store, logger: log.logger)
        defer { sink.close() }

        XCTAssertEqual(log.records.map(\.level), [.info])
        XCTAssertEqual(log.records.first?.message, "baseline restored: 0.974 (colour, learned 2026-11-26T05:00:00Z)")
        let metrics = registry.emitToString()
        XCTAssertTrue(metrics.contains("blurd_stream_sharpness_baseline{stream=\"door\"} 0.974\n"), metrics)
        XCTAssertTrue(metrics.contains("blurd_stream_events_total{stream=\"door\",event=\"baseline_restored\"} 1\n"), metrics)
        XCTAssertEqual(try String(contentsOf: output, encoding: .utf8),
                       "{\"stream\":\"door\",\"event\":\"baseline_restored\",\"pts\":null,\"score\":0.974,\"mode\":\"colour\"}\n")

        // 0.8 for 10 s: below 0.974 − 0.15, so lost after 1 s; never learned again.
        try feed(sink, Array(repeating: 0.8, count: 100), start: 0)
        let lines = try events(output)
        XCTAssertEqual(lines.compactMap { $0["event"] as? String }, ["baseline_restored", "focus_lost"], "\(lines)")
        XCTAssertEqual(lines.last?["pts"] as? Double, 1)
        XCTAssertEqual(store.entry(for: config)?.modes[.colour]?.learnedAt, learnedAt, "the restored entry must stay as it was")
    }

    func testLearnedBaselineIsSavedAndADeletedEntryIsLearnedAgain() throws {
        let directory = try TemporaryDirectory.make("blurd-sink-relearn", for: self)
        let output = directory.appendingPathComponent("door.jsonl")
        let config = stream(output: output)
        let store = BaselineStore(directory: directory.path, logger: CapturedLog().logger)
        let registry = PrometheusCollectorRegistry()
        let log = CapturedLog()
        let sink = try StreamSink(config: config, metrics: StreamMetrics(stream: "door", registry: registry),
                                  baselines: store, logger: log.logger)
        defer { sink.close() }
        XCTAssertTrue(log.records.isEmpty, "nothing to restore: \(log.records)")

        try feed(sink, Array(repeating: 0.97, count: 70), start: 0)
        XCTAssertEqual(store.entry(for: config)?.modes[.colour]?.baseline, 0.97)
        // The entry is still there: a reload changes nothing.
        sink.relearnIfBaselineDeleted()
        try feed(sink, Array(repeating: 0.97, count: 70), start: 7)
        XCTAssertEqual(try events(output).compactMap { $0["event"] as? String }, ["baseline_learned"])

        // The camera is re-aimed (normal now 0.8) and the operator deletes the file and reloads.
        try FileManager.default.removeItem(atPath: store.path)
        sink.relearnIfBaselineDeleted()
        XCTAssertTrue(log.records.contains { $0.level == .notice && $0.message.contains("learning the baseline again") },
                      "\(log.records)")
        try feed(sink, Array(repeating: 0.8, count: 70), start: 14)
        let lines = try events(output)
        XCTAssertEqual(lines.compactMap { $0["event"] as? String }, ["baseline_learned", "baseline_learned"], "\(lines)")
        XCTAssertEqual(lines.last?["score"] as? Double, 0.8)
        XCTAssertEqual(store.entry(for: config)?.modes[.colour]?.baseline, 0.8)
        XCTAssertTrue(registry.emitToString().contains("blurd_stream_sharpness_baseline{stream=\"door\"} 0.8\n"))
    }

    /// An unreadable file says nothing about the entry: a reload keeps the baseline.
    func testUnreadableFileKeepsTheBaselineAtReload() throws {
        let directory = try TemporaryDirectory.make("blurd-sink-corrupt", for: self)
        let output = directory.appendingPathComponent("door.jsonl")
        let config = stream(output: output)
        let store = BaselineStore(directory: directory.path, logger: CapturedLog().logger)
        XCTAssertTrue(store.save(0.974, for: config, learnedAt: learnedAt))
        let sink = try StreamSink(config: config, metrics: StreamMetrics(stream: "door", registry: PrometheusCollectorRegistry()),
                                  baselines: store, logger: CapturedLog().logger)
        defer { sink.close() }
        try Data("not json".utf8).write(to: URL(fileURLWithPath: store.path))
        sink.relearnIfBaselineDeleted()
        // Still 0.974: 0.8 is lost, and nothing is learned.
        try feed(sink, Array(repeating: 0.8, count: 100), start: 0)
        XCTAssertEqual(try events(output).compactMap { $0["event"] as? String }, ["baseline_restored", "focus_lost"])
    }
}
