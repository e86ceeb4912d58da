import BlurdAnalysis
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
        XCTAssertEqual(events[0].1.pts ?? 0, 4.2, accuracy: 1e-9)
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

/// The learned per-stream baseline (`baseline_minutes`, `baseline_drop`).
final class FocusBaselineTests: XCTestCase {
    /// 0.6/0.7 absolute, a 6 s baseline (0.1 min), drop 0.15, no smoothing, 1 s confirmation.
    private let thresholds = FocusThresholds(focusLost: 0.6, focusRestored: 0.7, minDurationSeconds: 1,
                                             smoothing: 1, baselineMinutes: 0.1, baselineDrop: 0.15)

    /// Feeds scores at 10 fps from `start` s; returns (frame index, event).
    private func feed(_ monitor: inout FocusMonitor, _ scores: [Double?], start: Double = 0) -> [(Int, FocusEvent)] {
        var events: [(Int, FocusEvent)] = []
        for (index, score) in scores.enumerated() {
            for event in monitor.observe(pts: start + Double(index) / 10, state: score == nil ? .noTexture : .ok, score: score) {
                events.append((index, event))
            }
        }
        return events
    }

    func testASharpCameraThatSoftensAlarmsRelativeToItsNormal() {
        var monitor = FocusMonitor(thresholds: thresholds)
        // Normal 0.95–0.99 (median 0.97) for 8 s: learned after 6 s of stream time (frame 60).
        let normal = (0..<80).map { 0.95 + 0.01 * Double($0 % 5) }
        let learned = feed(&monitor, normal)
        XCTAssertEqual(learned.map(\.1.kind), [.baselineLearned])
        XCTAssertEqual(learned.first?.0, 60)
        XCTAssertEqual(monitor.baseline ?? 0, 0.97, accuracy: 1e-9)
        XCTAssertEqual(thresholds.effective(baseline: monitor.baseline).lost, 0.82, accuracy: 1e-9)
        XCTAssertEqual(thresholds.effective(baseline: monitor.baseline).restored, 0.895, accuracy: 1e-9)
        // A drift to 0.78: far above the absolute 0.6, but 0.19 below normal.
        let drift = feed(&monitor, Array(repeating: 0.78, count: 30), start: 8)
        XCTAssertEqual(drift.map(\.1.kind), [.focusLost])
        XCTAssertEqual(drift.first?.0, 10)
        // Back to 0.9 (above 0.895): restored.
        XCTAssertEqual(feed(&monitor, Array(repeating: 0.9, count: 30), start: 11).map(\.1.kind), [.focusRestored])
    }

    func testAStreamWhoseNormalIsSoftKeepsTheAbsoluteFloor() {
        var monitor = FocusMonitor(thresholds: thresholds)
        // A misty scene that normally reads 0.74: baseline − drop = 0.59 < 0.6, so 0.65 is fine…
        XCTAssertEqual(feed(&monitor, Array(repeating: 0.74, count: 70)).map(\.1.kind), [.baselineLearned])
        XCTAssertEqual(feed(&monitor, Array(repeating: 0.65, count: 50), start: 7).count, 0)
        // …and 0.5 is lost, as without a baseline.
        XCTAssertEqual(feed(&monitor, Array(repeating: 0.5, count: 20), start: 12).map(\.1.kind), [.focusLost])
    }

    func testOnlyTexturedStreamTimeCountsAndZeroMinutesLearnsNothing() {
        var monitor = FocusMonitor(thresholds: thresholds)
        // 3 s textured, 20 s covered, 2.9 s textured: 5.8 s of textured time, not learned yet.
        var scores: [Double?] = Array(repeating: 0.9, count: 31)
        scores += Array(repeating: nil, count: 200)
        scores += Array(repeating: 0.9, count: 30)
        XCTAssertFalse(feed(&monitor, scores).contains { $0.1.kind == .baselineLearned })
        XCTAssertNil(monitor.baseline)
        XCTAssertEqual(feed(&monitor, [0.9, 0.9, 0.9], start: 26.1).map(\.1.kind), [.baselineLearned])

        var off = FocusMonitor(thresholds: FocusThresholds(baselineMinutes: 0))
        XCTAssertTrue(feed(&off, Array(repeating: 0.97, count: 20_000)).isEmpty)
        XCTAssertNil(off.baseline)
    }

    /// A baseline restored from an earlier run holds from the first frame: a drift to 0.78,
    /// which the absolute 0.6 alone never notices, is lost after the 1 s confirmation, and
    /// nothing is learned however long the stream runs.
    func testARestoredBaselineHoldsFromTheFirstFrameAndIsNotLearnedAgain() {
        var restored = FocusMonitor(thresholds: thresholds, baselines: [.colour: 0.97])
        XCTAssertEqual(restored.baseline, 0.97)
        let events = feed(&restored, Array(repeating: 0.78, count: 200))
        XCTAssertEqual(events.map(\.1.kind), [.focusLost], "\(events)")
        XCTAssertEqual(events.first?.0, 10)
        XCTAssertEqual(restored.baseline, 0.97)

        // The same frames without the restored baseline: 20 s, long enough to learn 0.78 as
        // the normal, and never below the absolute floor.
        var fresh = FocusMonitor(thresholds: thresholds)
        XCTAssertEqual(feed(&fresh, Array(repeating: 0.78, count: 200)).map(\.1.kind), [.baselineLearned])

        // With baselines off, a restored value is ignored.
        var off = FocusMonitor(thresholds: FocusThresholds(focusLost: 0.6, focusRestored: 0.7, minDurationSeconds: 1,
                                                           smoothing: 1, baselineMinutes: 0), baselines: [.colour: 0.97])
        XCTAssertNil(off.baseline)
        XCTAssertTrue(feed(&off, Array(repeating: 0.78, count: 200)).isEmpty)
    }

    /// `relearnBaseline` (a re-aimed camera) forgets the baseline, keeps the focus state and
    /// learns the new normal over the next `baseline_minutes`.
    func testRelearningForgetsTheBaselineAndLearnsTheNewNormal() {
        var monitor = FocusMonitor(thresholds: thresholds, baselines: [.colour: 0.97])
        XCTAssertEqual(feed(&monitor, Array(repeating: 0.78, count: 20)).map(\.1.kind), [.focusLost])
        monitor.relearnBaseline()
        XCTAssertNil(monitor.baseline)
        XCTAssertFalse(monitor.inFocus)
        // 0.78 for 6 s: learned as the new normal; above the absolute 0.7, so focus is restored too.
        let events = feed(&monitor, Array(repeating: 0.78, count: 70), start: 2)
        XCTAssertEqual(events.map(\.1.kind), [.focusRestored, .baselineLearned], "\(events)")
        XCTAssertEqual(monitor.baseline ?? 0, 0.78, accuracy: 1e-9)
    }
}
