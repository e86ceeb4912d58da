/// One clip of the robustness set (data/robustness/cases.csv, made by
/// scripts/make-robustness-set.sh) and what it is expected to show.
public struct RobustnessCase: Sendable, Equatable {
    /// What the clip holds, which decides the metrics it is scored on.
    public enum Kind: String, Sendable, CaseIterable {
        /// In focus everywhere: blurred fraction ≈ 0, score high, never `no_texture`.
        case sharp
        /// A known region blurred (ground-truth mask): region IoU.
        case region
        /// A covered lens: `no_texture`.
        case covered
        /// Uniform frames: `no_texture`.
        case flat
        /// Blur growing over a known per-frame sigma schedule: Spearman ρ of score vs sigma.
        case focus
    }

    public var name: String
    public var kind: Kind
    /// Absolute path of the clip.
    public var video: String
    /// Absolute path of the ground-truth mask (`region` cases), 255 = blurred.
    public var mask: String?
    /// Per-frame blur sigma (`focus` cases), indexed by decoded frame.
    public var sigmas: [Double]?

    public init(name: String, kind: Kind, video: String, mask: String? = nil, sigmas: [Double]? = nil) {
        self.name = name
        self.kind = kind
        self.video = video
        self.mask = mask
        self.sigmas = sigmas
    }
}
