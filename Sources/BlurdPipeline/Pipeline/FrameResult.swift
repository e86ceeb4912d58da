import BlurdImaging
import BlurdMedia

/// One analysed frame as handed to the sinks, in frame order.
public struct FrameResult: Sendable {
    public let meta: FrameMeta
    public let analysis: FrameAnalysis
    /// The analysed luma. It shares storage with the pipeline's ring slot (copy-on-write), so
    /// passing it costs nothing; a sink that keeps it past `write` gets its own copy when the
    /// slot is refilled.
    public let luma: GrayImage

    public init(meta: FrameMeta, analysis: FrameAnalysis, luma: GrayImage) {
        self.meta = meta
        self.analysis = analysis
        self.luma = luma
    }
}
