import BlurdAnalysis

/// One analysed frame as the reports see it: where it is, how sharp it is and, from a model
/// with blur-type heads, what kind of blur it shows.
public struct ScoredFrame: Sendable, Equatable {
    /// The source frame number (JSON Lines `frame`).
    public var index: Int
    /// Seconds from the stream start.
    public var pts: Double
    /// Sharpness in [0, 1], 1 = sharp; nil for `no_texture` frames, which cannot be judged.
    public var score: Double?
    /// Shares of the frame's counted cells blurred by defocus and by motion (JSON Lines
    /// `defocus_fraction`, `motion_fraction`); nil without a blur-type model or when no_texture.
    public var blurTypes: (defocus: Double, motion: Double)?

    public init(index: Int, pts: Double, score: Double?, blurTypes: (defocus: Double, motion: Double)? = nil) {
        self.index = index
        self.pts = pts
        self.score = score
        self.blurTypes = blurTypes
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.index == rhs.index && lhs.pts == rhs.pts && lhs.score == rhs.score
            && lhs.blurTypes?.defocus == rhs.blurTypes?.defocus && lhs.blurTypes?.motion == rhs.blurTypes?.motion
    }
}
