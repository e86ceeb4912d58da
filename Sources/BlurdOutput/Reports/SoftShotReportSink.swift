import BlurdAnalysis
import BlurdPipeline

/// `blurd analyze --report-prefix P`: keeps every frame's score during the run and writes
/// `P.csv`, `P.edl` and `P.svg` when it ends (also after an interrupt, covering what was analysed).
public final class SoftShotReportSink: FrameSink {
    public let prefix: String
    private let title: String
    private let frameRate: Double?
    private let startTimecode: String?
    private let criteria: SoftShotCriteria
    private var frames: [ScoredFrame] = []

    /// `frameRate` is the source's (nil when unknown: then it is inferred from the timestamps);
    /// `startTimecode` its start timecode tag, which the timecodes count from when present.
    public init(prefix: String, title: String, frameRate: Double?, criteria: SoftShotCriteria,
                startTimecode: String? = nil) throws {
        try criteria.validate()
        self.prefix = prefix
        self.title = title
        self.frameRate = frameRate
        self.startTimecode = startTimecode
        self.criteria = criteria
    }

    public func write(_ result: FrameResult) throws {
        let ok = result.analysis.state == .ok
        frames.append(ScoredFrame(index: result.meta.index, pts: result.meta.pts, score: ok ? result.analysis.score : nil,
                                  blurTypes: ok ? result.analysis.blurType.map { ($0.defocusFraction, $0.motionFraction) } : nil))
    }

    public func finish(_ summary: RunSummary) throws {
        let rate = frameRate ?? FrameRateEstimate.infer(from: frames) ?? 25
        let report = SoftShotReport(title: title, frames: frames, frameRate: rate, criteria: criteria,
                                    startTimecode: startTimecode)
        try report.write(csv: prefix + ".csv", edl: prefix + ".edl", svg: prefix + ".svg")
    }
}
