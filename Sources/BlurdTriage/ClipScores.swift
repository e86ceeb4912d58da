import BlurdOutput

/// A clip's scores as the summaries show them: the lowest and mean score of its judged frames
/// and its soft shots under the run's criteria. Made from the frames as they are analysed, or
/// read back from the JSON Lines of a resumed clip, so the criteria may change between runs
/// without decoding again.
public struct ClipScores: Sendable {
    /// Nil when no frame could be judged (all no_texture).
    public var minScore: Double?
    public var meanScore: Double?
    /// The soft shots, with the timecode format of the clip's frame rate (its frames dropped:
    /// only the segments are kept).
    public var softShots: SoftShotReport

    /// `frameRate`: the stream's; nil = inferred from the frames' timestamps (25 when unknown,
    /// as `blurd report` does). `startTimecode`: the source's start timecode tag, if any.
    public init(frames: [ScoredFrame], frameRate: Double?, startTimecode: String? = nil, criteria: SoftShotCriteria,
                title: String) {
        let judged = frames.compactMap(\.score)
        minScore = judged.min()
        meanScore = judged.isEmpty ? nil : judged.reduce(0, +) / Double(judged.count)
        let rate = frameRate ?? FrameRateEstimate.infer(from: frames) ?? 25
        var report = SoftShotReport(title: title, frames: frames, frameRate: rate, criteria: criteria,
                                    startTimecode: startTimecode)
        report.frames = []
        softShots = report
    }
}
