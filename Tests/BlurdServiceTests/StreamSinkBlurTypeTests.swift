@testable import BlurdService
import BlurdCore
import BlurdMedia
import BlurdAnalysis
import BlurdPipeline
import BlurdTestSupport
import Foundation
import Prometheus
import XCTest

/// A stream's focus_lost event names the kind of blur with a blur-type model, and is as before
/// without one.
final class StreamSinkBlurTypeTests: XCTestCase {
    /// Absolute 0.6/0.7, no baseline, no smoothing, 1 s confirmation; event lines only.
    private func sink(output: URL) throws -> StreamSink {
        var stream = StreamConfig(name: "mast", url: "rtsp://192.0.2.10/stream1")
        stream.thresholds = FocusThresholds(focusLost: 0.6, focusRestored: 0.7, minDurationSeconds: 1, smoothing: 1,
                                            baselineMinutes: 0, baselineDrop: 0.15)
        stream.outputs = OutputsConfig(jsonl: RotatingFileConfig(path: output.path), frames: false)
        return try StreamSink(config: stream, metrics: StreamMetrics(stream: "mast", registry: PrometheusCollectorRegistry()),
                              baselines: nil, logger: CapturedLog().logger)
    }

    /// 20 sharp frames then 30 soft ones at 10 fps; `types(soft)` gives each frame's fractions.
    private func feed(_ sink: StreamSink, types: (Bool) -> BlurTypeSummary?) throws {
        for index in 0..<50 {
            let soft = index >= 20
            let analysis = FrameAnalysis(state: .ok, score: soft ? 0.3 : 0.95, blurredFraction: soft ? 0.7 : 0,
                                         map: BlurMap(width: 1, height: 1), blurType: types(soft))
            try sink.write(FrameResult(meta: FrameMeta(index: index, pts: Double(index) / 10, isKeyframe: true),
                                       analysis: analysis, luma: GrayImage(width: 1, height: 1)))
        }
    }

    private func events(_ output: URL) throws -> [[String: Any]] {
        try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    func testFocusLostSaysTheBlurTypeOfATypedModel() throws {
        let directory = try TemporaryDirectory.make("blurd-sink-types", for: self)
        let typedOutput = directory.appendingPathComponent("typed.jsonl")
        let typed = try sink(output: typedOutput)
        try feed(typed) { soft in
            BlurTypeSummary(defocusFraction: soft ? 0.05 : 0, motionFraction: soft ? 0.65 : 0, dominant: nil, motionAngle: nil)
        }
        typed.close()
        let lost = try events(typedOutput).filter { $0["event"] as? String == "focus_lost" }
        XCTAssertEqual(lost.count, 1)
        XCTAssertEqual(lost.first?["blur_type"] as? String, "motion")

        let plainOutput = directory.appendingPathComponent("plain.jsonl")
        let plain = try sink(output: plainOutput)
        try feed(plain) { _ in nil }
        plain.close()
        let plainLost = try events(plainOutput).filter { $0["event"] as? String == "focus_lost" }
        XCTAssertEqual(plainLost.count, 1)
        XCTAssertNil(plainLost.first?["blur_type"], "an untyped model's event is as before")
        XCTAssertEqual(plainLost.first?.keys.sorted(), ["event", "mode", "pts", "score", "stream"])
    }
}
