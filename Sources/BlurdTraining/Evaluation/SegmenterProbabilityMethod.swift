import BlurdCore
import BlurdAnalysis
import BlurdSegmenter

/// The CNN as the daemon runs it: `CNNAnalyzer` (texture gate, tiled `Segmenter` at fp32 or
/// int8, flat cells filled from their textured surroundings), its blur map.
public final class SegmenterProbabilityMethod: BlurProbabilityMethod {
    public let name: String
    private let analyzer: CNNAnalyzer

    public init(model: ModelFile, precision: Segmenter.Precision, threads: Int) throws {
        name = precision == .fp32 ? "cnn-fp32" : "cnn-int8"
        do {
            analyzer = try CNNAnalyzer(configuration: .init(model: model, precision: precision, threads: threads))
        } catch {
            throw EvaluationError.method("\(name): \(error)")
        }
    }

    public func probabilities(_ luma: GrayImage) throws -> FloatImage {
        guard luma.width > 0, luma.height > 0 else { throw EvaluationError.method("\(name): empty image") }
        return try analyzer.analyze(luma).probabilityImage(method: name)
    }
}
