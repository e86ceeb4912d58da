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

    public init(index: Int, pts: Double, isKeyframe: Bool, discontinuity: Double? = nil) {
        self.index = index
        self.pts = pts
        self.isKeyframe = isKeyframe
        self.discontinuity = discontinuity
    }
}
