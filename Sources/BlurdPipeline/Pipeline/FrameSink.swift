/// A consumer of analysed frames (JSON Lines, mask files, later annotated video, reports,
/// metrics). The pipeline calls `write` from one thread at a time, in frame order, then
/// `finish` once with the run's totals, also on interrupted or failed runs.
public protocol FrameSink: AnyObject {
    func write(_ result: FrameResult) throws
    func finish(_ summary: RunSummary) throws
}
