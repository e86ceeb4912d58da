/// One method's figures on one case. Metrics that do not apply to the case's kind are nil.
public struct RobustnessCaseResult: Sendable, Equatable, Codable {
    public var method: String
    public var name: String
    public var kind: String
    public var frames: Int
    public var noTextureFrames: Int
    /// Mean over `ok` frames; nil when every frame was `no_texture`.
    public var meanBlurredFraction: Double?
    public var maxBlurredFraction: Double?
    public var meanScore: Double?
    public var minScore: Double?
    /// `region` cases: intersection over union of blurred map cells and the ground truth at the
    /// map grid, pooled over frames (a `no_texture` frame predicts nothing).
    public var regionIoU: Double?
    /// The same over the cells the texture gate found textured (flat cells hold no evidence).
    public var texturedRegionIoU: Double?
    /// `focus` cases: Spearman ρ between sigma and 1 − score over the frames with a score
    /// (1 = the score falls strictly as the blur grows).
    public var focusSpearman: Double?

    public var noTextureRate: Double { frames > 0 ? Double(noTextureFrames) / Double(frames) : 0 }

    enum CodingKeys: String, CodingKey {
        case method, name, kind, frames
        case noTextureFrames = "no_texture_frames"
        case meanBlurredFraction = "mean_blurred_fraction"
        case maxBlurredFraction = "max_blurred_fraction"
        case meanScore = "mean_score"
        case minScore = "min_score"
        case regionIoU = "region_iou"
        case texturedRegionIoU = "textured_region_iou"
        case focusSpearman = "focus_spearman"
    }
}
