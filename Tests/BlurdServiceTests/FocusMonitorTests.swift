import BlurdPipeline
import BlurdService
import XCTest

final class FocusMonitorTests: XCTestCase {
    private let thresholds = FocusThresholds(focusLost: 0.3, focusRestored: 0.5, minDurationSeconds: 1, smoothing: 0.2)

    /// Feeds `scores` at 10 frames per second (nil = a no_texture frame); returns the events with
    /// the index of the frame that raised each.
    private func run(_ scores: [Double?], thresholds: FocusThresholds? = nil) -> [(Int, FocusEvent)] {
        var monitor = FocusMonitor(thresholds: thresholds ?? self.thresholds)
        var events: [(Int, FocusEvent)] = []
        for (index, score) in scores.enumerated() {
            let state: FrameState = score == nil ? .noTexture : .ok
            for event in monitor.observe(pts: Double(index) / 10, state: state, score: score) {
                events.append((index, event))
            }
        }
        return events
    }

    func testFlickerAroundThresholdsGivesExactlyOnePair() {
        // Sharp, then a blurred stretch with sharp flickers, then sharp with blurred flickers.
        var scores: [Double?] = Array(repeating: 0.9, count: 20)
        for index in 0..<40 { scores.append(index % 7 == 3 ? 0.9 : 0.05) }
        for index in 0..<40 { scores.append(index % 7 == 3 ? 0.05 : 0.9) }
        let events = run(scores)
        XCTAssertEqual(events.map(\.1.kind), [.focusLost, .focusRestored], "\(events)")
        // Frame indices from a reference computation of the same EMA and 1 s minimum duration:
        // early flickers pull the average back over 0.3 and restart the clock.
        XCTAssertEqual(events.map(\.0), [42, 74])
        XCTAssertEqual(events[0].1.score ?? 1, 0.125, accuracy: 0.001)
        XCTAssertEqual(events[1].1.score ?? 0, 0.792, accuracy: 0.001)
        XCTAssertEqual(events[0].1.pts, 4.2, accuracy: 1e-9)
    }

    func testHysteresisBandChangesNothing() {
        // Between the two thresholds forever: neither lost nor restored.
        let events = run(Array(repeating: 0.4, count: 100))
        XCTAssertTrue(events.isEmpty, "\(events)")
    }

    func testShortDipIsIgnored() {
        // Below focus_lost for 0.5 s only (min duration 1 s): no event.
        let scores: [Double?] = Array(repeating: 0.9, count: 10) + Array(repeating: 0.0, count: 6)
            + Array(repeating: 0.9, count: 30)
        XCTAssertTrue(run(scores, thresholds: FocusThresholds(focusLost: 0.3, focusRestored: 0.5,
                                                            minDurationSeconds: 1, smoothing: 1)).isEmpty)
    }

    func testNoTextureNeitherSharpNorBlurred() {
        // Blurred, then a covered lens for 3 s, then textured and sharp again.
        let scores: [Double?] = Array(repeating: 0.05, count: 20) + Array(repeating: nil, count: 30)
            + Array(repeating: 0.9, count: 30)
        let events = run(scores)
        XCTAssertEqual(events.map(\.1.kind), [.focusLost, .noTexture, .textureRestored, .focusRestored], "\(events)")
        // Blurred from the start: lost after 1 s. no_texture 1 s after the first untextured frame
        // (index 20); textured again from index 50: restored after 1 s; the average, untouched
        // by the covered stretch, then needs a few sharp frames to climb over 0.5.
        XCTAssertEqual(events.map(\.0), [10, 30, 60, 63])
        XCTAssertEqual(events[1].1.score ?? 1, 0.05, accuracy: 1e-9, "no_texture reports the last smoothed score")
    }

    func testNoTextureFramesDoNotMoveTheAverage() {
        var monitor = FocusMonitor(thresholds: thresholds)
        _ = monitor.observe(pts: 0, state: .ok, score: 0.8)
        _ = monitor.observe(pts: 0.1, state: .noTexture, score: nil)
        XCTAssertEqual(monitor.smoothedScore, 0.8)
        _ = monitor.observe(pts: 0.2, state: .ok, score: 0.4)
        XCTAssertEqual(monitor.smoothedScore ?? 0, 0.2 * 0.4 + 0.8 * 0.8, accuracy: 1e-12)
    }

    func testRestartTimingForgetsAPendingChange() {
        var monitor = FocusMonitor(thresholds: FocusThresholds(focusLost: 0.3, focusRestored: 0.5,
                                                               minDurationSeconds: 1, smoothing: 1))
        XCTAssertTrue(monitor.observe(pts: 100, state: .ok, score: 0.1).isEmpty)
        monitor.restartTiming()
        // A new connection whose pts start far ahead must not confirm the old, pending dip.
        XCTAssertTrue(monitor.observe(pts: 5000, state: .ok, score: 0.1).isEmpty)
        XCTAssertEqual(monitor.observe(pts: 5001, state: .ok, score: 0.1).map(\.kind), [.focusLost])
    }

    func testZeroMinimumDurationRaisesAtOnce() {
        let events = run([0.9, 0.1, 0.9], thresholds: FocusThresholds(focusLost: 0.3, focusRestored: 0.5,
                                                                   minDurationSeconds: 0, smoothing: 1))
        XCTAssertEqual(events.map(\.0), [1, 2])
        XCTAssertEqual(events.map(\.1.kind), [.focusLost, .focusRestored])
    }
}
