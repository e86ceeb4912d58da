import BlurdAnalysis

/// A run of soft frames: the frames from `startFrame` up to, not including, `endFrame`.
public struct SoftSegment: Sendable, Equatable {
    /// First soft frame (source frame number).
    public var startFrame: Int
    /// One past the last soft frame: the out point, exclusive as in an EDL.
    public var endFrame: Int
    /// Seconds of the first soft frame and of the out point.
    public var startSeconds: Double
    public var endSeconds: Double
    /// Lowest and mean score of the judged frames inside (no_texture frames are left out).
    public var minScore: Double
    public var meanScore: Double
    /// The shot's dominant blur type, from the defocus and motion fractions of its judged
    /// frames summed (`BlurTypeSummary.dominant`); nil without a blur-type model, or when
    /// under 1 % of its cells are blurred.
    public var blurType: BlurTypeSummary.Dominant?

    public init(startFrame: Int, endFrame: Int, startSeconds: Double, endSeconds: Double,
                minScore: Double, meanScore: Double, blurType: BlurTypeSummary.Dominant? = nil) {
        self.startFrame = startFrame
        self.endFrame = endFrame
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.minScore = minScore
        self.meanScore = meanScore
        self.blurType = blurType
    }

    public var durationSeconds: Double { endSeconds - startSeconds }
}
