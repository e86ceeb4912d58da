/// The frame score of `--method cnn`: 1 = sharp, 0 = blurred at every scale, calibrated so that
/// in-focus video reads high whatever its content and the score keeps falling as blur grows.
///
/// 1 − mean(blur probability) is neither: the CNN's probability saturates once a region passes
/// its threshold (σ ≈ 1.5 px), so a focus pull stops moving the score early, and its mean over the
/// frame moves with how much of the frame is flat or ambiguous. The score therefore adds up
/// blur evidence at four scales, each normalised so that sharp content gives 0 and content blurred
/// far past that scale gives 1:
///
///     score = 1 − (w₀·P + Σₖ wₖ·bₖ),   k = 1, 2, 3
///
/// - P, the finest scale: the CNN's mean blur probability over the textured cells (the texture
///   gate's cells; flat cells hold no evidence). The CNN was trained to call compressed, noisy,
///   dark and slightly soft video sharp, which a fixed energy threshold cannot do at full size.
/// - bₖ, coarser scales: the pooled energy ratio ρₖ of `SharpnessScoreOctaves` at octave k,
///   bₖ = clamp((ρsharp − ρₖ) / (ρsharp − ¼), 0, 1). ρ is contrast-invariant and tends to ¼ for
///   content smoother than the scale, so bₖ rises continuously with blur up to σ ≈ 3·2ᵏ⁻¹ px.
///
/// An octave without evidence (no structure above the noise) is left out and the remaining
/// weights are renormalised. The result is clamped to [0, 1] and is never NaN.
public struct SharpnessScore: Sendable, Equatable {
    /// Weight of the CNN's mean blur probability.
    public static let cnnWeight = 0.4
    /// Weights of octaves 1, 2, 3 (`SharpnessScoreOctaves.octaves`).
    public static let octaveWeights = [0.2, 0.2, 0.2]
    /// ρ at or above which an octave holds sharp content: on the robustness set's sharp clips
    /// pooled ρ at octaves 1–3 stays ≥ 0.55 (a misty lake at CRF 42, the softest) and mostly ≥ 0.9;
    /// 0.50 keeps a margin (docs/MODEL.md, "Score").
    public static let sharpRatio = 0.50
    /// ρ of content infinitely smoother than the scale (any blurred edge or ramp).
    public static let smoothRatio = 0.25

    /// The score in [0, 1], 1 = sharp.
    public let value: Double
    /// bₖ per octave, nil where the octave had no evidence.
    public let octaveBlur: [Double?]

    /// `meanBlurProbability` is P in [0, 1]; `octaveRatios` are ρₖ from `SharpnessScoreOctaves`.
    public init(meanBlurProbability: Double, octaveRatios: [Double?]) {
        precondition(octaveRatios.count == SharpnessScore.octaveWeights.count, "one ratio per octave")
        let probability = meanBlurProbability.isFinite ? min(1, max(0, meanBlurProbability)) : 1
        let span = SharpnessScore.sharpRatio - SharpnessScore.smoothRatio
        octaveBlur = octaveRatios.map { ratio in
            ratio.flatMap { $0.isFinite ? min(1, max(0, (SharpnessScore.sharpRatio - $0) / span)) : nil }
        }
        var blur = SharpnessScore.cnnWeight * probability
        var weight = SharpnessScore.cnnWeight
        for (octave, strength) in octaveBlur.enumerated() {
            guard let strength else { continue }
            blur += SharpnessScore.octaveWeights[octave] * strength
            weight += SharpnessScore.octaveWeights[octave]
        }
        value = min(1, max(0, 1 - blur / weight))
    }
}
