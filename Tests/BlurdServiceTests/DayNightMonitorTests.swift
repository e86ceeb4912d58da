import BlurdAnalysis
import BlurdService
import XCTest

/// Day/night modes in the focus monitor: the detector's thresholds and hysteresis, and a
/// baseline per mode, fed frame by frame (10 frames per second of stream time).
final class DayNightMonitorTests: XCTestCase {
    /// Absolute 0.6/0.7, a 6 s baseline, drop 0.15, no smoothing, 1 s confirmation.
    private let thresholds = FocusThresholds(focusLost: 0.6, focusRestored: 0.7, minDurationSeconds: 1, smoothing: 1,
                                             baselineMinutes: 0.1, baselineDrop: 0.15)
    /// IR below 2, colour above 5; a switch needs 3 s and 5 frames.
    private let settings = DayNightSettings(irChroma: 2, colourChroma: 5, switchSeconds: 3, switchFrames: 5)
    private static let colour = 40.0, grey = 0.3

    /// Feeds textured frames `(score, chroma)` at 10 fps from `start`; returns the events with
    /// their frame's offset in seconds from `start`.
    private func feed(_ monitor: inout FocusMonitor, _ frames: [(Double, Double?)], start: Double = 0) -> [(Double, FocusEvent)] {
        var events: [(Double, FocusEvent)] = []
        for (index, (score, chroma)) in frames.enumerated() {
            let pts = start + Double(index) / 10
            for event in monitor.observe(pts: pts, state: .ok, score: score, chroma: chroma) {
                events.append((Double(index) / 10, event))
            }
        }
        return events
    }

    private func frames(_ count: Int, score: Double, chroma: Double?) -> [(Double, Double?)] {
        Array(repeating: (score, chroma), count: count)
    }

    func testTheFirstFrameSetsTheModeAndASwitchNeedsItsSecondsAndFrames() {
        var detector = DayNightDetector(settings: settings)
        XCTAssertEqual(detector.mode, .colour)
        XCTAssertEqual(detector.observe(pts: 0, chroma: 3.5), .steady, "between the thresholds: no evidence")
        XCTAssertEqual(detector.observe(pts: 0.1, chroma: Self.grey), .switched(from: .colour), "nothing to thrash from yet")
        XCTAssertEqual(detector.mode, .infrared)
        // Colour from 1 s: held until 3 s of it (pts 4.0), then switched.
        var verdicts: [DayNightDetector.Verdict] = []
        for index in 0...30 { verdicts.append(detector.observe(pts: 1 + Double(index) / 10, chroma: Self.colour)) }
        XCTAssertEqual(verdicts.dropLast(), Array(repeating: .held, count: 30))
        XCTAssertEqual(verdicts.last, .switched(from: .infrared))
        XCTAssertEqual(detector.mode, .colour)

        // Sparse frames: 3 s pass in 3 frames, but 5 are needed.
        for pts in [10.0, 12, 14, 16] { XCTAssertEqual(detector.observe(pts: pts, chroma: Self.grey), .held) }
        XCTAssertEqual(detector.observe(pts: 18, chroma: Self.grey), .switched(from: .colour))
    }

    /// A scene flickering across the thresholds, or sitting between them, never switches; a
    /// reconnect forgets a pending run; without a statistic nothing changes.
    func testFlickerAndTheBandBetweenTheThresholdsDoNotSwitch() {
        var detector = DayNightDetector(settings: settings)
        XCTAssertEqual(detector.observe(pts: 0, chroma: Self.colour), .steady)
        // Grey for 2.9 s, one colour frame, grey again for 2.9 s: each run ends short of 3 s.
        var pts = 0.1
        for index in 0..<59 {
            _ = detector.observe(pts: pts, chroma: index == 29 ? Self.colour : Self.grey)
            pts += 0.1
        }
        XCTAssertEqual(detector.mode, .colour)
        // A dull picture between the thresholds ends a run too, and is never evidence.
        for index in 0..<200 {
            _ = detector.observe(pts: pts, chroma: index % 20 == 0 ? 3.5 : Self.grey)
            pts += 0.1
        }
        XCTAssertEqual(detector.mode, .colour)
        for _ in 0..<200 {
            XCTAssertEqual(detector.observe(pts: pts, chroma: 3.5), .steady)
            pts += 0.1
        }
        // A reconnect (timestamps start afresh) forgets the run so far.
        for _ in 0..<25 { _ = detector.observe(pts: pts, chroma: Self.grey); pts += 0.1 }
        detector.restartTiming()
        for index in 0..<29 { XCTAssertEqual(detector.observe(pts: Double(index) / 10, chroma: Self.grey), .held) }
        XCTAssertEqual(detector.mode, .colour)
        XCTAssertEqual(detector.observe(pts: 0, chroma: nil), .steady)

        // ir_chroma 0: modes off, every frame colour.
        var off = DayNightDetector(settings: DayNightSettings(irChroma: 0))
        XCTAssertEqual(off.observe(pts: 0, chroma: 0), .steady)
        XCTAssertEqual(off.mode, .colour)
    }

    /// Dusk: a colour camera with a learned 0.95 goes grey and softer (0.72, which is below
    /// 0.95 − 0.15). Without modes that is focus_lost; with them the infrared mode has no
    /// baseline yet (only the absolute floor, 0.6), learns 0.72, and then a real defocus at night
    /// (0.5) is lost within the usual 1 s, and restored. Morning brings the colour baseline back.
    func testDuskDoesNotAlarmButANightDefocusDoes() {
        let day = frames(80, score: 0.95, chroma: Self.colour)
        let night = frames(150, score: 0.72, chroma: Self.grey)

        var withoutModes = FocusMonitor(thresholds: thresholds, dayNight: DayNightSettings(irChroma: 0))
        XCTAssertEqual(feed(&withoutModes, day + night).map(\.1.kind), [.baselineLearned, .focusLost],
                       "the clip must alarm without day/night modes")

        var monitor = FocusMonitor(thresholds: thresholds, dayNight: settings)
        let dusk = feed(&monitor, day + night)
        XCTAssertEqual(dusk.map(\.1.kind), [.baselineLearned, .baselineLearned], "\(dusk)")
        XCTAssertEqual(dusk.map(\.1.mode), [.colour, .infrared])
        // Colour learned after 6 s; night from 8 s, switched at 11 s, learned 6 s later.
        XCTAssertEqual(dusk[0].0, 6, accuracy: 0.11)
        XCTAssertEqual(dusk[1].0, 17, accuracy: 0.11)
        XCTAssertEqual(monitor.mode, .infrared)
        XCTAssertEqual(monitor.baselines, [.colour: 0.95, .infrared: 0.72])
        XCTAssertTrue(monitor.inFocus)

        // A defocus at night: 0.5 from 23 s, lost 1 s later, in infrared mode; then sharp again.
        let defocus = feed(&monitor, frames(30, score: 0.5, chroma: Self.grey) + frames(30, score: 0.72, chroma: Self.grey),
                           start: 23)
        XCTAssertEqual(defocus.map(\.1.kind), [.focusLost, .focusRestored], "\(defocus)")
        XCTAssertEqual(defocus.first?.0 ?? 0, 1, accuracy: 1e-9)
        XCTAssertEqual(defocus.first?.1.mode, .infrared)

        // Morning: colour again, 0.95 (the colour baseline, not relearned), and a colour drift
        // to 0.78 is lost as before the night.
        let morning = feed(&monitor, frames(50, score: 0.95, chroma: Self.colour) + frames(30, score: 0.78, chroma: Self.colour),
                           start: 30)
        XCTAssertEqual(morning.map(\.1.kind), [.focusLost], "\(morning)")
        XCTAssertEqual(morning.first?.1.mode, .colour)
        XCTAssertEqual(monitor.baseline, 0.95)
    }

    /// The frames of a switch still pending are held: a grey frame run shorter than the switch
    /// neither confirms a focus change against the colour baseline nor counts toward learning.
    func testFramesOfAPendingSwitchAreNeitherJudgedNorLearned() {
        var monitor = FocusMonitor(thresholds: thresholds, dayNight: settings, baselines: [.colour: 0.95])
        // 2.9 s of soft grey frames (short of the 3 s switch), then colour: nothing happens.
        let events = feed(&monitor, frames(10, score: 0.95, chroma: Self.colour) + frames(29, score: 0.5, chroma: Self.grey)
                          + frames(10, score: 0.95, chroma: Self.colour))
        XCTAssertTrue(events.isEmpty, "\(events)")
        XCTAssertEqual(monitor.mode, .colour)
        XCTAssertNil(monitor.baselines[.infrared])
        XCTAssertEqual(monitor.smoothedScore, 0.95)
    }

    /// Restored baselines of both modes hold from the first frame; relearning one mode keeps
    /// the other.
    func testRestoredBaselinesPerModeAndRelearningOneMode() {
        var monitor = FocusMonitor(thresholds: thresholds, dayNight: settings, baselines: [.colour: 0.95, .infrared: 0.8])
        XCTAssertEqual(monitor.baseline, 0.95)
        // Starting at night: the first frame sets infrared at once; 0.7 is 0.1 below its 0.8.
        XCTAssertTrue(feed(&monitor, frames(100, score: 0.7, chroma: Self.grey)).isEmpty)
        XCTAssertEqual(monitor.mode, .infrared)
        XCTAssertEqual(monitor.baseline, 0.8)
        monitor.relearnBaseline(modes: [.infrared])
        XCTAssertEqual(monitor.baselines, [.colour: 0.95])
        let learned = feed(&monitor, frames(70, score: 0.7, chroma: Self.grey), start: 10)
        XCTAssertEqual(learned.map(\.1.kind), [.baselineLearned])
        XCTAssertEqual(monitor.baselines, [.colour: 0.95, .infrared: 0.7])
    }
}
