import BlurdCore
import BlurdMedia
import BlurdOutput
import BlurdAnalysis
import BlurdPipeline
import BlurdSegmenter
import Foundation
import Logging

/// What the daemon knows about one stream at a moment.
public struct StreamStatus: Sendable {
    public var name: String
    public var state: StreamState
    /// When `state` was entered.
    public var since: ContinuousClock.Instant
    /// When the pipeline last wrote a frame (or the connection began).
    public var lastProgress: ContinuousClock.Instant
    /// When the stream last stopped delivering frames (or started); nil while running.
    public var downSince: ContinuousClock.Instant?
    /// Why the stream is reconnecting or failed.
    public var reason: String?

    public init(name: String, state: StreamState, since: ContinuousClock.Instant, lastProgress: ContinuousClock.Instant,
                downSince: ContinuousClock.Instant?, reason: String?) {
        self.name = name
        self.state = state
        self.since = since
        self.lastProgress = lastProgress
        self.downSince = downSince
        self.reason = reason
    }
}

/// Runs one stream on its own thread: opens the source, runs a pipeline until EOF or an error,
/// and for live sources reconnects with capped exponential backoff and jitter, logging every
/// state change. Nothing it meets (bad URL, camera gone, corrupt data) leaves its thread, so
/// one failing stream never affects the others.
// Unchecked: every `var` is used only while holding `condition`, which `waitUntilQuiet` and the
// backoff sleep wait on.
public final class StreamSupervisor: @unchecked Sendable {
    public let config: StreamConfig
    private let metrics: StreamMetrics
    private let baselines: BaselineStore?
    private let listener: StreamListener?
    private let logger: Logger
    private let condition = NSCondition()
    private var state = StreamState.starting
    private var since = ContinuousClock.now
    private var reason: String?
    private var downSince: ContinuousClock.Instant? = .now
    private var stopRequested = false
    private var publishesState = true
    private var pipeline: AnalysisPipeline?
    private var sink: StreamSink?
    /// True while blocked opening a source: nothing is pending then, so a shutdown need not
    /// wait for the open to time out.
    private var opening = false
    private var finished = false

    /// `baselines`: where the stream's learned baseline is restored from and saved; nil = not kept.
    /// `listener`: told of the stream's frames and events (the MQTT bridge); nil = nobody.
    init(config: StreamConfig, metrics: StreamMetrics, baselines: BaselineStore? = nil,
         listener: StreamListener? = nil, logger: Logger) {
        self.config = config
        self.metrics = metrics
        self.baselines = baselines
        self.listener = listener
        var logger = logger
        logger[metadataKey: "stream"] = .string(config.name)
        self.logger = logger
        metrics.record(state: .starting)
    }

    /// Starts the stream's thread.
    public func start() {
        let thread = Thread { [self] in supervise() }
        thread.name = "blurd.stream.\(config.name)"
        thread.start()
    }

    /// Asks the stream to stop: a running pipeline stops reading, analyses and writes what it
    /// holds, and finishes its sinks; a backoff wait ends at once. Returns immediately.
    /// `replaced`: a successor with the same name takes over the stream's metrics, so this one
    /// stops publishing its state there (its thread may end after the successor started).
    public func stop(replaced: Bool = false) {
        let running = condition.withLock {
            stopRequested = true
            if replaced { publishesState = false }
            condition.broadcast()
            return pipeline
        }
        running?.stop()
    }

    /// A reload kept the stream: learn its baseline again if an operator deleted its entry. A
    /// stream that has ended (a file, a failure) has nothing to learn.
    public func relearnIfBaselineDeleted() {
        condition.withLock { finished ? nil : sink }?.relearnIfBaselineDeleted()
    }

    /// Relearns the stream's baseline (an operator's command); false when the stream has ended.
    func relearnBaseline() -> Bool {
        guard let sink = condition.withLock({ finished ? nil : sink }) else { return false }
        sink.relearnBaseline()
        return true
    }

    /// Waits until the stream has no output pending (its thread ended, or it is blocked
    /// opening a source, which holds no frames) or `deadline` passes; true if it got there.
    /// Call after `stop()`.
    public func waitUntilQuiet(deadline: Date) -> Bool {
        condition.withLock {
            while !finished && !(stopRequested && opening) {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }

    public var status: StreamStatus {
        let progress = condition.withLock { sink }?.lastProgress
        return condition.withLock {
            StreamStatus(name: config.name, state: state, since: since, lastProgress: progress ?? since,
                         downSince: downSince, reason: reason)
        }
    }

    // MARK: The stream's thread

    private func supervise() {
        // Runs last, after the final state change and the output file's close.
        defer {
            condition.withLock {
                finished = true
                condition.broadcast()
            }
        }
        let sink: StreamSink
        do {
            sink = try StreamSink(config: config, metrics: metrics, baselines: baselines, listener: listener, logger: logger)
        } catch {
            transition(to: .failed, reason: "\(error)")
            return
        }
        condition.withLock { self.sink = sink }
        defer { sink.close() }
        let run: AnalysisRun
        do {
            run = try AnalysisRun(recipe: config.recipe)
        } catch {
            transition(to: .failed, reason: "\(error)")
            return
        }

        var attempt = 0
        while !isStopping {
            let outcome = connect(sink: sink, run: run)
            if case .analysedFrames = outcome { attempt = 0 }
            if isStopping { break }
            switch outcome {
            case .fatal(let why):
                transition(to: .failed, reason: why)
                return
            case .fileEnded:
                transition(to: .stopped, reason: "end of file")
                return
            case .ended(let why), .analysedFrames(let why):
                let delay = config.reconnect.delay(attempt: attempt, unit: Double.random(in: 0..<1))
                attempt += 1
                metrics.reconnects.increment()
                transition(to: .reconnecting,
                           reason: "\(why); attempt \(attempt) in \(String(format: "%.2f", delay)) s")
                sleep(seconds: delay)
            }
        }
        transition(to: .stopped, reason: "stop requested")
    }

    private enum Outcome {
        /// A connection that analysed at least one frame ended (EOF or error): resets the backoff.
        case analysedFrames(String)
        /// The source could not be opened or ended before any frame.
        case ended(String)
        /// A file source ended normally.
        case fileEnded
        /// Retrying cannot help.
        case fatal(String)
    }

    /// One connection: open, run the pipeline to its end, say how it ended.
    private func connect(sink: StreamSink, run: AnalysisRun) -> Outcome {
        let source: VideoSource
        condition.withLock {
            opening = true
            condition.broadcast()
        }
        do {
            defer { condition.withLock { opening = false } }
            source = try run.openSource(copyAudio: config.outputs.recording != nil)
        } catch {
            // Nothing opened: only the URL can say whether the input may come back.
            return classify(error, live: run.recipe.input.namesLiveInput, analysed: 0)
        }
        // A stop that came while opening: end before creating outputs that would need finishing.
        if isStopping { return .ended("stop requested") }
        var sinks: [FrameSink] = [sink]
        if let recording = config.outputs.recording {
            do {
                sinks.append(try SegmentedRecordingSink(config: recording, stream: config.name, source: source,
                                                        audio: AudioPacketQueue.attached(to: source),
                                                        start: Date(), logger: logger))
            } catch {
                return .fatal("recording: \(error)")
            }
        }
        let metrics = self.metrics
        let clock = FrameClock()
        let frames = MonitoredSource(source, metrics: metrics, clock: clock, logger: logger)
        let pipeline = run.makePipeline(source: source, frames: frames,
                                        sinks: sinks, wrapAnalyzer: { TimedAnalyzer($0, metrics: metrics) },
                                        onDrop: { sink.noteDrops(soFar: $0) })
        let admitted = condition.withLock {
            guard !stopRequested else { return false }
            self.pipeline = pipeline
            return true
        }
        guard admitted else { return .ended("stop requested") }
        defer { condition.withLock { self.pipeline = nil } }
        sink.beginConnection(clock: clock)
        let info = source.info
        transition(to: .running, reason: "\(info.codecName) \(info.width)x\(info.height), analysing at "
                   + "\(info.analysisWidth)x\(info.analysisHeight)")
        do {
            let summary = try pipeline.run()
            logger.info("connection ended", metadata: [
                "analysed": "\(summary.framesAnalysed)", "dropped": "\(summary.framesDropped)",
                "corrupt": "\(summary.corruptPackets)", "seconds": "\(String(format: "%.1f", summary.elapsedSeconds))",
            ])
            if !info.isLive { return .fileEnded }
            return summary.framesAnalysed > 0 ? .analysedFrames("end of stream") : .ended("end of stream")
        } catch {
            return classify(error, live: info.isLive, analysed: sink.framesThisConnection)
        }
    }

    private func classify(_ error: Error, live: Bool, analysed: Int) -> Outcome {
        let text = "\(error)"
        // An error from outside blurd says nothing about retrying: a live source may recover.
        guard live, (error as? BlurdError)?.isRetryable ?? true else { return .fatal(text) }
        return analysed > 0 ? .analysedFrames(text) : .ended(text)
    }

    private var isStopping: Bool { condition.withLock { stopRequested } }

    /// Waits `seconds`, or less if a stop is requested.
    private func sleep(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        condition.withLock {
            while !stopRequested && condition.wait(until: deadline) {}
        }
    }

    private func transition(to newState: StreamState, reason: String?) {
        // Reasons quote errors of any type, and reach the log, /healthz and STATUS=.
        let reason = reason.map(URLRedaction.redact)
        let (previous, publish) = condition.withLock {
            let previous = state
            state = newState
            since = .now
            if newState == .running {
                downSince = nil
            } else if downSince == nil {
                downSince = since
            }
            self.reason = reason
            return (previous, publishesState)
        }
        if publish { metrics.record(state: newState) }
        let message: Logger.Message = "\(previous.rawValue) → \(newState.rawValue)\(reason.map { ": \($0)" } ?? "")"
        switch newState {
        case .failed: logger.error(message)
        case .reconnecting: logger.warning(message)
        case .starting, .running, .stopped: logger.notice(message)
        }
    }
}
