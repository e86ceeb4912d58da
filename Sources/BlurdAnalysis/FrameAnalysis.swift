/// What an analyzer says about one frame.
public struct FrameAnalysis: Sendable, Equatable {
    public var state: FrameState
    /// Frame sharpness in [0, 1], 1 = sharp; nil when `state` is `.noTexture`.
    public var score: Double?
    /// Fraction of map cells judged blurred (probability ≥ 0.5); nil when `.noTexture`.
    public var blurredFraction: Double?
    /// Per-cell blur probability. Carries no information when `.noTexture` (outputs write
    /// "unknown" instead of it).
    public var map: BlurMap
    /// The blur type of the frame, from a net with type heads (blurseg-v3); nil for other
    /// models, the classic method and `.noTexture` frames.
    public var blurType: BlurTypeSummary?
    /// The per-cell blur type on the map's grid, from the same nets; nil when `blurType` is.
    public var typeMap: BlurTypeMap?

    public init(state: FrameState, score: Double?, blurredFraction: Double?, map: BlurMap, blurType: BlurTypeSummary? = nil,
                typeMap: BlurTypeMap? = nil) {
        self.state = state
        self.score = score
        self.blurredFraction = blurredFraction
        self.map = map
        self.blurType = blurType
        self.typeMap = typeMap
    }

    /// The analysis of a frame the texture gate rejected: no score, no blurred fraction.
    public static func noTexture(grid: TileGrid) -> FrameAnalysis {
        FrameAnalysis(state: .noTexture, score: nil, blurredFraction: nil,
                      map: BlurMap(width: grid.width, height: grid.height))
    }
}
