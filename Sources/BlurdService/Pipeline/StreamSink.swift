import BlurdOutput
import BlurdAnalysis
import BlurdMedia
import BlurdPipeline
import Foundation
import Logging

/// The sink of one stream's pipelines, kept across reconnects: updates the metrics, runs the
/// focus monitor, writes frame, event and summary lines, and beats the stream's heartbeat.
/// With a `BaselineStore` it starts from the stream's saved baselines (one per day/night mode)
/// and saves each one it learns. It logs and exports the stream's day/night mode.
// Unchecked: `output` (not Sendable) is written only by the pipeline's writer, one call at a time,
// and closed after the last run ends; every `var` is used only while holding `lock`.
final class StreamSink: FrameSink, @unchecked Sendable {
    private let stream: StreamConfig
    private let method: String
    private let baselines: BaselineStore?
    private let output: StreamOutput
    private let writesFrames: Bool
    private let metrics: StreamMetrics
    private let listener: StreamListener?
    private let logger: Logger
    private let lock = NSLock()
    private var monitor: FocusMonitor
    private var blurTypes: BlurTypeSmoothing
    /// The modes whose baseline in the monitor is the store's (restored or saved): only for
    /// them does a missing entry mean that an operator deleted it.
    private var baselinesStored: Set<DayNightMode> = []
    private var progress = ContinuousClock.now
    private var connectionFrames = 0
    /// Drops of the current connection already added to the metric.
    private var connectionDropsCounted = 0
    private var clock: FrameClock?

    /// `listener`: told of every frame and event (the MQTT bridge); nil = nobody.
    init(config: StreamConfig, metrics: StreamMetrics, baselines: BaselineStore?, listener: StreamListener? = nil,
         logger: Logger) throws {
        stream = config
        method = config.method
        self.baselines = baselines
        output = try StreamOutput(stream: config.name, config: config.outputs)
        writesFrames = config.outputs.frames
        let restored = config.thresholds.baselineMinutes > 0 ? baselines?.entry(for: config)?.modes ?? [:] : [:]
        monitor = FocusMonitor(thresholds: config.thresholds, dayNight: config.dayNight,
                               baselines: restored.mapValues(\.baseline))
        baselinesStored = Set(restored.keys)
        blurTypes = BlurTypeSmoothing(weight: config.thresholds.smoothing)
        self.metrics = metrics
        self.listener = listener
        self.logger = logger
        metrics.irMode.set(to: monitor.mode == .infrared ? 1.0 : 0.0)
        if let baseline = monitor.baseline { metrics.baselineSharpness.set(to: baseline) }
        for mode in DayNightMode.allCases {
            guard let saved = restored[mode] else { continue }
            metrics.record(event: .baselineRestored)
            let learned = ISO8601DateFormatter().string(from: saved.learnedAt)
            logger.info("baseline restored: \(String(format: "%.3f", saved.baseline)) (\(mode.rawValue), learned \(learned))")
            let event = FocusEvent(kind: .baselineRestored, pts: nil, score: saved.baseline, mode: mode)
            let line = StreamOutput.line(for: event)
            listener?.raised(stream: config.name, event: event, line: line, frame: nil)
            try output.write(objectLine: line)
        }
    }

    /// When a frame was last written (or the current connection began): the pipeline's
    /// heartbeat for the systemd watchdog.
    var lastProgress: ContinuousClock.Instant { lock.withLock { progress } }

    /// Frames written since the current connection began.
    var framesThisConnection: Int { lock.withLock { connectionFrames } }

    /// Called before each connection's pipeline runs, with the clock its source stamps.
    func beginConnection(clock: FrameClock) {
        lock.withLock {
            self.clock = clock
            monitor.restartTiming()
            progress = .now
            connectionFrames = 0
            connectionDropsCounted = 0
        }
    }

    /// Drops the baselines of every mode and learns each again from its coming frames (an
    /// operator's command): each learned baseline replaces the saved one.
    func relearnBaseline() {
        lock.withLock {
            monitor.relearnBaseline()
            baselinesStored = []
        }
        logger.notice("relearning the baseline on request")
    }

    /// Called by a reload that keeps the stream: for each mode whose saved baseline is gone
    /// from the store (an operator re-aimed the camera), the monitor learns it again.
    func relearnIfBaselineDeleted() {
        guard let baselines else { return }
        let deleted = lock.withLock { baselinesStored }.filter { baselines.lacksEntry(for: stream, mode: $0) }
        guard !deleted.isEmpty else { return }
        let modes = DayNightMode.allCases.filter(deleted.contains)
        lock.withLock {
            monitor.relearnBaseline(modes: modes)
            baselinesStored.subtract(modes)
        }
        let names = modes.map(\.rawValue).joined(separator: ", ")
        logger.notice("the baseline's entry is gone from \(baselines.path): learning the baseline again (\(names))")
    }

    func write(_ result: FrameResult) throws {
        let analysis = result.analysis
        metrics.framesAnalysed.increment()
        if analysis.state == .noTexture {
            metrics.framesNoTexture.increment()
        } else {
            if let score = analysis.score { metrics.sharpness.set(to: score) }
            if let fraction = analysis.blurredFraction { metrics.blurredFraction.set(to: fraction) }
            if let chroma = result.meta.chroma { metrics.chroma.set(to: chroma) }
        }
        let (events, monitor, clock, previousMode) = lock.withLock {
            progress = .now
            connectionFrames += 1
            let previousMode = self.monitor.mode
            var events = self.monitor.observe(pts: result.meta.pts, state: analysis.state, score: analysis.score,
                                              chroma: result.meta.chroma)
            blurTypes.observe(analysis.state == .ok ? analysis.blurType : nil)
            for i in events.indices where events[i].kind == .focusLost && blurTypes.typed {
                events[i].typed = true
                events[i].blurType = blurTypes.dominant
            }
            return (events, self.monitor, self.clock, previousMode)
        }
        if monitor.mode != previousMode { noteModeChange(from: previousMode, monitor: monitor, frame: result.meta) }
        let smoothed = monitor.smoothedScore
        listener?.observed(stream: stream.name, frame: result, monitor: monitor)
        noteDrops(soFar: result.framesDroppedSoFar)
        if let smoothed { metrics.smoothedSharpness.set(to: smoothed) }
        if writesFrames { try output.write(objectLine: JSONLinesSink.line(for: result, method: method)) }
        if let latency = clock?.latency(ofWritten: result.meta.index) { metrics.processingLatency.record(latency) }
        for event in events {
            metrics.record(event: event.kind)
            switch event.kind {
            case .focusLost, .focusRestored: metrics.focusLost.set(to: event.kind == .focusLost ? 1.0 : 0.0)
            case .noTexture, .textureRestored: metrics.noTexture.set(to: event.kind == .noTexture ? 1.0 : 0.0)
            case .baselineLearned, .baselineRestored: break
            }
            let score = event.score.map { String(format: "%.3f", $0) } ?? "none"
            let pts = event.pts.map { String(format: "%.3f", $0) } ?? "none"
            let label = event.kind == .baselineLearned ? "baseline" : "smoothed score"
            let message: Logger.Message = "\(event.kind.rawValue) at pts \(pts) s, \(label) \(score) (\(event.mode.rawValue))"
            switch event.kind {
            case .focusLost, .noTexture: logger.warning(message)
            case .focusRestored, .textureRestored: logger.notice(message)
            case .baselineLearned, .baselineRestored:
                logger.info(message)
                if let baseline = event.score {
                    if event.mode == monitor.mode { metrics.baselineSharpness.set(to: baseline) }
                    if let baselines {
                        let saved = baselines.save(baseline, mode: event.mode, for: stream)
                        lock.withLock {
                            if saved { baselinesStored.insert(event.mode) } else { baselinesStored.remove(event.mode) }
                        }
                    }
                }
            }
            let line = StreamOutput.line(for: event)
            listener?.raised(stream: stream.name, event: event, line: line, frame: result)
            try output.write(objectLine: line)
        }
    }

    /// Logs a switch of the day/night mode and points the gauges at the new mode; its baseline
    /// gauge reads 0 while the mode has none.
    private func noteModeChange(from previous: DayNightMode, monitor: FocusMonitor, frame: FrameMeta) {
        metrics.irMode.set(to: monitor.mode == .infrared ? 1.0 : 0.0)
        metrics.baselineSharpness.set(to: monitor.baseline ?? 0)
        let chroma = frame.chroma.map { String(format: "%.1f", $0) } ?? "unknown"
        let baseline = monitor.baseline.map { "its baseline \(String(format: "%.3f", $0)) applies" }
            ?? (stream.thresholds.baselineMinutes > 0 ? "no baseline learned in it yet: the absolute thresholds apply until one is"
                : "baselines are off")
        logger.notice("day/night mode \(previous.rawValue) → \(monitor.mode.rawValue) at pts \(String(format: "%.3f", frame.pts)) s (chroma \(chroma)); \(baseline)")
    }

    func finish(_ summary: RunSummary) throws {
        noteDrops(soFar: summary.framesDropped)
        try output.write(objectLine: JSONLinesSink.line(for: summary))
    }

    /// Counts the connection's drops up to `soFar` that the metric does not have yet. Called by
    /// the pipeline's producer as a drop happens (so a stalled writer's drops show at once), and
    /// with each written frame and the summary; each drop is counted once, whoever sees it first.
    func noteDrops(soFar: Int) {
        let newDrops = lock.withLock {
            let new = max(0, soFar - connectionDropsCounted)
            connectionDropsCounted += new
            return new
        }
        if newDrops > 0 { metrics.framesDropped.increment(by: Int64(newDrops)) }
    }

    /// Closes the output file; called once the stream has stopped for good.
    func close() { output.close() }
}
