/// One analysed frame as the reports see it: where it is and how sharp it is.
public struct ScoredFrame: Sendable, Equatable {
    /// The source frame number (JSON Lines `frame`).
    public var index: Int
    /// Seconds from the stream start.
    public var pts: Double
    /// Sharpness in [0, 1], 1 = sharp; nil for `no_texture` frames, which cannot be judged.
    public var score: Double?

    public init(index: Int, pts: Double, score: Double?) {
        self.index = index
        self.pts = pts
        self.score = score
    }
}
