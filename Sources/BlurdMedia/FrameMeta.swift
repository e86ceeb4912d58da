/// What is known about a delivered frame besides its pixels.
public struct FrameMeta: Sendable, Equatable {
    /// 0-based index among all decoded frames, before sampling. After a seek (`start`) it counts
    /// from round(pts × frame rate) of the first decoded frame, so it stays the file's index for
    /// constant-rate inputs.
    public var index: Int
    /// Seconds, relative to the stream's start_time.
    public var pts: Double
    public var isKeyframe: Bool

    public init(index: Int, pts: Double, isKeyframe: Bool) {
        self.index = index
        self.pts = pts
        self.isKeyframe = isKeyframe
    }
}
