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
        // The values as the clip's JSON Lines hold them, so that its row is the same whether
        // made now or read back from the log (a resumed run, `--report-only`).
        let ok = result.analysis.state == .ok
        let score = ok ? result.analysis.score : nil
        let types = ok ? result.analysis.blurType.map {
            (JSONText.rounded($0.defocusFraction, decimals: JSONLinesSink.fractionDecimals),
             JSONText.rounded($0.motionFraction, decimals: JSONLinesSink.fractionDecimals))
        } : nil
        frames.append(ScoredFrame(index: result.meta.index,
                                  pts: JSONText.rounded(result.meta.pts, decimals: JSONLinesSink.ptsDecimals),
                                  score: score.map { JSONText.rounded($0, decimals: JSONLinesSink.scoreDecimals) },
                                  blurTypes: types))
        progress.frameAnalysed(token: token, pts: result.meta.pts)
    }

    func finish(_ summary: RunSummary) throws {
        self.summary = summary
    }
}
