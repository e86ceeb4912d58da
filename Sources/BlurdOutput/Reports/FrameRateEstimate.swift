import BlurdCore

/// The source frame rate recovered from a saved score log, which stores frame numbers and
/// timestamps but not the rate.
public enum FrameRateEstimate {
    /// Rates that timecodes are usually counted at; an estimate within 0.1 % of one is snapped
    /// to it, so 29.97 becomes exactly 30000/1001 and gets drop-frame timecode.
    static let standardRates: [Double] = [24000.0 / 1001, 24, 25, 30000.0 / 1001, 30, 48, 50, 60000.0 / 1001, 60]

    /// Frames per second of a report's timecodes, given or inferred: beyond any camera's rate,
    /// and what keeps frame numbers of `ScoreLogReader.ptsRange` seconds inside Int.
    public static let range = ValueRange<Double>(above: 0, through: 1000)

    /// (last frame − first frame) / (last pts − first pts) over the frames; nil with fewer than
    /// two distinct frames. Frame numbers count every decoded frame, so sampled logs work too.
    /// The frames are `ScoreLogReader`'s, whose ranges keep this arithmetic exact; the result
    /// may still lie outside `range` (frames far apart within a second), which callers check.
    public static func infer(from frames: [ScoredFrame]) -> Double? {
        guard let first = frames.first, let last = frames.last,
              last.index > first.index, last.pts > first.pts else { return nil }
        let rate = Double(last.index - first.index) / (last.pts - first.pts)
        if let standard = standardRates.first(where: { abs($0 - rate) / $0 < 0.001 }) { return standard }
        return rate
    }
}
