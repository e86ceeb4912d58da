import BlurdCore
import BlurdAnalysis

/// The classical gradient-ratio analyzer as an evaluation method: its per-cell blur map.
public final class ClassicProbabilityMethod: BlurProbabilityMethod {
    public let name = "classic"
    private let analyzer = ClassicAnalyzer()

    public init() {}

    public func probabilities(_ luma: GrayImage) throws -> FloatImage {
        try analyzer.analyze(luma).probabilityImage(method: name)
    }
}
