/// A consumer of analysed frames (JSON Lines, mask files, annotated video, reports, metrics).
/// The pipeline calls `write` from one thread at a time, in frame order, then `finish` once with
/// the run's totals, also on interrupted or failed runs.
public protocol FrameSink: AnyObject {
    /// Whether `write` needs `FrameResult.fullFrame`: the pipeline then carries each frame's
    /// full-resolution picture in its ring slot. Most sinks need only the analysis.
    var needsFullFrames: Bool { get }
    func write(_ result: FrameResult) throws
    func finish(_ summary: RunSummary) throws
}

extension FrameSink {
    public var needsFullFrames: Bool { false }
}
