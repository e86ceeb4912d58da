import BlurdCore
import BlurdMedia
import BlurdPipeline
import Logging

/// A frame source that passes every call through, keeps the stream's decode counters current
/// while the connection runs (not only when it ends), stamps each frame's delivery time and
/// logs the timestamp jumps the source's timeline continued over. Jumps are seen here, before
/// the ring, so a frame the ring drops does not hide one.
final class MonitoredSource: FrameSource {
    private let source: FrameSource
    private let metrics: StreamMetrics
    private let clock: FrameClock
    private let logger: Logger
    private var reported = SourceCounters()

    init(_ source: FrameSource, metrics: StreamMetrics, clock: FrameClock, logger: Logger) {
        self.source = source
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    var frameWidth: Int { source.frameWidth }
    var frameHeight: Int { source.frameHeight }
    var fullFrameSize: (width: Int, height: Int)? { source.fullFrameSize }
    var counters: SourceCounters { source.counters }

    func nextFrame(into luma: inout GrayImage) throws -> FrameMeta? {
        try delivered(source.nextFrame(into: &luma))
    }

    func nextFrame(into luma: inout GrayImage, fullFrame: inout YUV420Image) throws -> FrameMeta? {
        try delivered(source.nextFrame(into: &luma, fullFrame: &fullFrame))
    }

    func interrupt() { source.interrupt() }

    /// Stamps a delivered frame's time and reports the counters, after every read.
    private func delivered(_ read: @autoclosure () throws -> FrameMeta?) rethrows -> FrameMeta? {
        defer { report() }
        let meta = try read()
        if let meta {
            clock.markDelivered(frame: meta.index)
            if let jump = meta.discontinuity {
                let step = String(format: "%+.3f", jump), pts = String(format: "%.3f", meta.pts)
                logger.warning("timestamps jumped by \(step) s before frame \(meta.index); stream time continues at pts \(pts) s")
            }
        }
        return meta
    }

    private func report() {
        let now = source.counters
        if now.framesDecoded > reported.framesDecoded {
            metrics.framesDecoded.increment(by: Int64(now.framesDecoded - reported.framesDecoded))
        }
        let corrupt = now.corruptPackets + now.decodeErrors, before = reported.corruptPackets + reported.decodeErrors
        if corrupt > before { metrics.corruptPackets.increment(by: Int64(corrupt - before)) }
        if now.timestampJumps > reported.timestampJumps {
            metrics.timestampJumps.increment(by: Int64(now.timestampJumps - reported.timestampJumps))
        }
        reported = now
    }
}
