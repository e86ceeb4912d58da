import BlurdImaging
import BlurdPipeline

/// The classical gradient-ratio analyzer as an evaluation method: its per-cell blur map.
///
/// A `no_texture` frame's map carries no information; it is scored as all sharp (probability 0),
/// which is what a mask consumer would act on.
public final class ClassicProbabilityMethod: BlurProbabilityMethod {
    public let name = "classic"
    private let analyzer = ClassicAnalyzer()

    public init() {}

    public func probabilities(_ luma: GrayImage) throws -> FloatImage {
        let analysis = try analyzer.analyze(luma)
        let map = analysis.map
        guard map.width > 0, map.height > 0 else { throw EvaluationError.method("classic: empty map") }
        if analysis.state == .noTexture { return FloatImage(width: map.width, height: map.height, fill: 0) }
        return FloatImage(width: map.width, height: map.height, pixels: map.probability.map { Float($0) / 255 })
    }
}
