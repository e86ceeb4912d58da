import BlurdAnalysis
import BlurdCore
import BlurdMedia

/// One analysed frame as handed to the sinks, in frame order.
public struct FrameResult: Sendable {
    public let meta: FrameMeta
    public let analysis: FrameAnalysis
    /// The analysed luma. It shares storage with the pipeline's ring slot (copy-on-write), so
    /// passing it costs nothing; a sink that keeps it past `write` gets its own copy when the
    /// slot is refilled.
    public let luma: GrayImage
    /// The frame at full resolution when a sink asked for it (`FrameSink.needsFullFrames`), else
    /// nil; shares storage with the ring slot like `luma`.
    public let fullFrame: YUV420Image?
    /// Frames the ring buffer had dropped since the run began when this frame was written
    /// (stamped by the pipeline in frame order, so it never decreases), so a live stream's
    /// losses are visible while it runs, not only in the final summary.
    public var framesDroppedSoFar: Int

    public init(meta: FrameMeta, analysis: FrameAnalysis, luma: GrayImage, fullFrame: YUV420Image? = nil,
                framesDroppedSoFar: Int = 0) {
        self.meta = meta
        self.analysis = analysis
        self.luma = luma
        self.fullFrame = fullFrame
        self.framesDroppedSoFar = framesDroppedSoFar
    }
}
