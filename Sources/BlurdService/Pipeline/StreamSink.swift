import BlurdOutput
import BlurdAnalysis
import BlurdPipeline
import Foundation
import Logging

/// The sink of one stream's pipelines, kept across reconnects: updates the metrics, runs the
/// focus monitor, writes frame, event and summary lines, and beats the stream's heartbeat.
/// With a `BaselineStore` it starts from the stream's saved baseline and saves a learned one.
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
    /// True while the monitor's baseline is the store's entry (restored or saved): only then
    /// does a missing entry mean that an operator deleted it.
    private var baselineStored = false
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
        let restored = config.thresholds.baselineMinutes > 0 ? baselines?.entry(for: config) : nil
        monitor = FocusMonitor(thresholds: config.thresholds, baseline: restored?.baseline)
        blurTypes = BlurTypeSmoothing(weight: config.thresholds.smoothing)
        baselineStored = restored != nil
        self.metrics = metrics
        self.listener = listener
        self.logger = logger
        if let restored {
            metrics.baselineSharpness.set(to: restored.baseline)
            metrics.record(event: .baselineRestored)
            let learned = ISO8601DateFormatter().string(from: restored.learnedAt)
            logger.info("baseline restored: \(String(format: "%.3f", restored.baseline)) (learned \(learned))")
            let event = FocusEvent(kind: .baselineRestored, pts: nil, score: restored.baseline)
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

    /// Drops the baseline and learns it again from the coming frames (an operator's command):
    /// the next learned baseline replaces the saved one.
    func relearnBaseline() {
        lock.withLock {
            monitor.relearnBaseline()
            baselineStored = false
        }
        logger.notice("relearning the baseline on request")
    }

    /// Called by a reload that keeps the stream: when its saved baseline's entry is gone from
    /// the store (an operator re-aimed the camera), the monitor learns the baseline again.
    func relearnIfBaselineDeleted() {
        guard let baselines, lock.withLock({ baselineStored }), baselines.lacksEntry(for: stream) else { return }
        lock.withLock {
            monitor.relearnBaseline()
            baselineStored = false
        }
        logger.notice("the baseline's entry is gone from \(baselines.path): learning the baseline again")
    }

    func write(_ result: FrameResult) throws {
        let analysis = result.analysis
        metrics.framesAnalysed.increment()
        if analysis.state == .noTexture {
            metrics.framesNoTexture.increment()
        } else {
            if let score = analysis.score { metrics.sharpness.set(to: score) }
            if let fraction = analysis.blurredFraction { metrics.blurredFraction.set(to: fraction) }
        }
        let (events, monitor, clock) = lock.withLock {
            progress = .now
            connectionFrames += 1
            var events = self.monitor.observe(pts: result.meta.pts, state: analysis.state, score: analysis.score)
            blurTypes.observe(analysis.state == .ok ? analysis.blurType : nil)
            for i in events.indices where events[i].kind == .focusLost && blurTypes.typed {
                events[i].typed = true
                events[i].blurType = blurTypes.dominant
            }
            return (events, self.monitor, self.clock)
        }
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
            let message: Logger.Message = "\(event.kind.rawValue) at pts \(pts) s, \(label) \(score)"
            switch event.kind {
            case .focusLost, .noTexture: logger.warning(message)
            case .focusRestored, .textureRestored: logger.notice(message)
            case .baselineLearned, .baselineRestored:
                logger.info(message)
                if let baseline = event.score {
                    metrics.baselineSharpness.set(to: baseline)
                    if let baselines {
                        let saved = baselines.save(baseline, for: stream)
                        lock.withLock { baselineStored = saved }
                    }
                }
            }
            let line = StreamOutput.line(for: event)
            listener?.raised(stream: stream.name, event: event, line: line, frame: result)
            try output.write(objectLine: line)
        }
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
