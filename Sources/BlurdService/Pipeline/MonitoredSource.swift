import BlurdImaging
import BlurdMedia
import BlurdPipeline

/// A frame source that passes every call through and keeps the stream's decode counters and
/// heartbeat current while the connection runs, not only when it ends.
final class MonitoredSource: FrameSource {
    private let source: FrameSource
    private let metrics: StreamMetrics
    private var reported = SourceCounters()

    init(_ source: FrameSource, metrics: StreamMetrics) {
        self.source = source
        self.metrics = metrics
    }

    var frameWidth: Int { source.frameWidth }
    var frameHeight: Int { source.frameHeight }
    var counters: SourceCounters { source.counters }

    func nextFrame(into luma: inout GrayImage) throws -> FrameMeta? {
        defer { report() }
        return try source.nextFrame(into: &luma)
    }

    func interrupt() { source.interrupt() }

    private func report() {
        let now = source.counters
        if now.framesDecoded > reported.framesDecoded {
            metrics.framesDecoded.increment(by: Int64(now.framesDecoded - reported.framesDecoded))
        }
        let corrupt = now.corruptPackets + now.decodeErrors, before = reported.corruptPackets + reported.decodeErrors
        if corrupt > before { metrics.corruptPackets.increment(by: Int64(corrupt - before)) }
        reported = now
    }
}
