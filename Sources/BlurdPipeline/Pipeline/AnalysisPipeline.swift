import BlurdAnalysis
import BlurdCore
import BlurdMedia
import Dispatch

/// The streaming spine: decoder (the calling thread) → ring buffer → N analysis workers →
/// ordered writer → sinks.
///
/// Backpressure runs end to end: slots go back to the ring only after the sinks have written
/// the frame, so under `.block` a slow sink or analyzer stalls the decoder and nothing is lost.
/// The run ends at EOF, on `stop()` (signals), or on the first error; in every case the frames
/// already decoded are analysed and written, and every sink gets `finish(summary)` (unless the
/// analyzer factory fails, before anything is decoded).
// Unchecked: `source` (not Sendable) is read only by the thread in `run`, and `interrupt()` is
// callable from any thread by FrameSource's contract; the sinks are used by the ordered writer
// under its lock, then by `run` after the workers ended; the two `var`s only under `state`.
public final class AnalysisPipeline: @unchecked Sendable {
    private let source: FrameSource
    private let analyzerFactory: AnalyzerFactory
    private let sinks: [FrameSink]
    private let options: PipelineOptions
    private let onDrop: (@Sendable (Int) -> Void)?
    private let state = ConditionLock()
    private var stopRequested = false
    private var firstError: Error?

    /// `onDrop` hears of each drop as it happens, on the decoder thread, with the run's drops so
    /// far: frames carry the count to the sinks only when one is written, which a stalled writer
    /// may not do for a long time.
    public init(source: FrameSource, analyzerFactory: @escaping AnalyzerFactory, sinks: [FrameSink],
                options: PipelineOptions = PipelineOptions(), onDrop: (@Sendable (Int) -> Void)? = nil) {
        self.source = source
        self.analyzerFactory = analyzerFactory
        self.sinks = sinks
        self.options = options
        self.onDrop = onDrop
    }

    /// Asks the run to end early: the source stops reading, queued frames are still analysed
    /// and written. Safe from any thread, including a signal handler's queue.
    public func stop() {
        state.withLock { stopRequested = true }
        source.interrupt()
    }

    /// Runs to the end and returns the totals. Throws the first source, analyzer or sink error
    /// (an error from the source after `stop()` counts as the requested end, not a failure)
    /// after the sinks have been finished.
    public func run() throws -> RunSummary {
        precondition(options.workers > 0, "the pipeline needs at least one worker")
        let started = ContinuousClock.now
        // Analyzers are made before decoding starts so a bad model fails fast.
        let analyzers = try (0..<options.workers).map { _ in try analyzerFactory() }
        let width = source.frameWidth, height = source.frameHeight
        let fullSize = sinks.contains { $0.needsFullFrames } ? source.fullFrameSize : nil
        let ring = RingBuffer<FrameSlot>(capacity: options.effectiveRingCapacity, policy: options.dropPolicy) {
            FrameSlot(luma: GrayImage(width: width, height: height),
                      fullFrame: fullSize.map { YUV420Image(width: $0.width, height: $0.height) }, meta: nil)
        }
        let writer = OrderedWriter(sinks: sinks, ring: ring)

        // One serial queue per worker: each runs one long loop, so each gets its own thread.
        let group = DispatchGroup()
        for (index, analyzer) in analyzers.enumerated() {
            let queue = DispatchQueue(label: "blurd.worker.\(index)")
            let handed = HandedAnalyzer(analyzer: analyzer)
            queue.async(group: group) { self.work(analyzer: handed.analyzer, ring: ring, writer: writer) }
        }
        produce(into: ring, writer: writer)
        ring.close()
        group.wait()

        let counts = writer.counts
        let sourceCounters = source.counters
        let interrupted = state.withLock { stopRequested }
        let elapsed = ContinuousClock.now - started
        let summary = RunSummary(
            framesDecoded: sourceCounters.framesDecoded, framesAnalysed: counts.written,
            framesDropped: ring.counters.dropped, corruptPackets: sourceCounters.corruptPackets,
            decodeErrors: sourceCounters.decodeErrors, noTextureFrames: counts.noTexture,
            elapsedSeconds: Double(elapsed.components.seconds)
                + Double(elapsed.components.attoseconds) * 1e-18,
            interrupted: interrupted)
        var finishError: Error?
        for sink in sinks {
            do { try sink.finish(summary) } catch { finishError = finishError ?? error }
        }
        if let error = state.withLock({ firstError }) ?? writer.error ?? finishError { throw error }
        return summary
    }

    /// The decoder loop, on the calling thread: fill a slot in place, publish it.
    private func produce(into ring: RingBuffer<FrameSlot>, writer: OrderedWriter) {
        while state.withLock({ !stopRequested && firstError == nil }) && writer.error == nil {
            guard let slot = ring.acquire() else { return }
            let meta: FrameMeta?
            do {
                if var picture = slot.element.fullFrame.take() {
                    // Moved out of the slot (two inout accesses to one element would conflict),
                    // so it stays uniquely referenced and is filled in place, then moved back.
                    defer { slot.element.fullFrame = picture }
                    meta = try source.nextFrame(into: &slot.element.luma, fullFrame: &picture)
                } else {
                    meta = try source.nextFrame(into: &slot.element.luma)
                }
            } catch {
                ring.recycle(slot)
                let stopping = state.withLock { stopRequested }
                if !stopping { record(error) }
                return
            }
            guard let meta else {
                ring.recycle(slot)
                return
            }
            slot.element.meta = meta
            if let droppedSoFar = ring.publish(slot) { onDrop?(droppedSoFar) }
        }
    }

    /// A worker loop: analyse queued frames until the ring is closed and empty.
    private func work(analyzer: FrameAnalyzer, ring: RingBuffer<FrameSlot>, writer: OrderedWriter) {
        while let delivery = ring.take() {
            let slot = delivery.slot
            guard let meta = slot.element.meta else {
                preconditionFailure("a published slot has no frame metadata")
            }
            var result: FrameResult?
            do {
                let analysis = try analyzer.analyze(slot.element.luma)
                result = FrameResult(meta: meta, analysis: analysis, luma: slot.element.luma,
                                     fullFrame: slot.element.fullFrame)
            } catch {
                record(error)
            }
            // Handing the result over (not a copy) leaves the writer the only owner of the pictures.
            writer.submit(sequence: delivery.sequence, result: consume result, slot: slot)
        }
    }

    /// Keeps the first error and stops the source; frames already queued are still written.
    private func record(_ error: Error) {
        state.withLock { if firstError == nil { firstError = error } }
        source.interrupt()
    }
}

/// A worker's analyzer on its way to the worker's queue.
// Unchecked: `run` makes one analyzer per worker and hands each to exactly one worker, its only
// user from then on.
private struct HandedAnalyzer: @unchecked Sendable {
    let analyzer: FrameAnalyzer
}
