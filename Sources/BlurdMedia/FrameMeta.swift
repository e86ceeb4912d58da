/// What is known about a delivered frame besides its pixels.
public struct FrameMeta: Sendable, Equatable {
    /// 0-based index among all decoded frames, before sampling. After a seek (`start`) it counts
    /// from round(pts × frame rate) of the first decoded frame, so it stays the file's index for
    /// constant-rate inputs.
    public var index: Int
    /// Seconds, relative to the stream's start_time, on the stream's `StreamTimeline`: the input's
    /// own timestamps, continued over jumps (see `discontinuity`), so they never go back by more
    /// than a tenth of a second within one opened input.
    public var pts: Double
    public var isKeyframe: Bool
    /// Set on the first delivered frame after the input's timestamps jumped (back; forward beyond
    /// the timeline's bound on live inputs): the raw step in seconds, modulo the container's
    /// timestamp wrap; the sum when several jumps came between two delivered frames. The pts
    /// continue one frame step after the previous frame instead. nil for every other frame.
    public var discontinuity: Double?
    /// How far the decoded picture's colours are from grey (`FrameChroma`: mean |U − 128| +
    /// |V − 128| of patches on a grid, 8-bit scale): 0 for grey pictures and pixel formats
    /// without chroma, nil when the format's colour cannot be read. What tells a camera's
    /// infrared mode from its colour mode.
    public var chroma: Double?

    public init(index: Int, pts: Double, isKeyframe: Bool, discontinuity: Double? = nil, chroma: Double? = nil) {
        self.index = index
        self.pts = pts
        self.isKeyframe = isKeyframe
        self.discontinuity = discontinuity
        self.chroma = chroma
    }
}
