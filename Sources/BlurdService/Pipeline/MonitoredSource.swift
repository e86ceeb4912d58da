import BlurdCore
import BlurdMedia
import BlurdPipeline

/// A frame source that passes every call through, keeps the stream's decode counters current
/// while the connection runs (not only when it ends), and stamps each frame's delivery time.
final class MonitoredSource: FrameSource {
    private let source: FrameSource
    private let metrics: StreamMetrics
    private let clock: FrameClock
    private var reported = SourceCounters()

    init(_ source: FrameSource, metrics: StreamMetrics, clock: FrameClock) {
        self.source = source
        self.metrics = metrics
        self.clock = clock
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
        if let meta { clock.markDelivered(frame: meta.index) }
        return meta
    }

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
