import BlurdOutput
import BlurdPipeline

/// The sink beside a clip's JSON Lines: keeps each frame's score for the clip's soft shots,
/// reports progress as frames are written, and keeps the run's totals, which a pipeline that
/// ends on an error hands to its sinks but does not return.
final class ScoreCollector: FrameSink {
    private(set) var frames: [ScoredFrame] = []
    private(set) var summary: RunSummary?
    private let progress: TriageProgress
    private let token: Int

    init(progress: TriageProgress, token: Int) {
        self.progress = progress
        self.token = token
    }

    func write(_ result: FrameResult) throws {
        frames.append(ScoredFrame(index: result.meta.index, pts: result.meta.pts,
                                  score: result.analysis.state == .ok ? result.analysis.score : nil))
        progress.frameAnalysed(token: token, pts: result.meta.pts)
    }

    func finish(_ summary: RunSummary) throws {
        self.summary = summary
    }
}
