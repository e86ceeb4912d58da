import BlurdImaging
import BlurdSegmenter

/// The CNN as the daemon runs it: the tiled `Segmenter` at fp32 or int8.
public final class SegmenterProbabilityMethod: BlurProbabilityMethod {
    public let name: String
    private let segmenter: Segmenter

    public init(model: ModelFile, precision: Segmenter.Precision, threads: Int) throws {
        name = precision == .fp32 ? "cnn-fp32" : "cnn-int8"
        do {
            segmenter = try Segmenter(model: model, precision: precision, threads: threads)
        } catch {
            throw EvaluationError.method("\(name): \(error)")
        }
    }

    public func probabilities(_ luma: GrayImage) throws -> FloatImage {
        guard luma.width > 0, luma.height > 0 else { throw EvaluationError.method("\(name): empty image") }
        return segmenter.probabilities(luma)
    }
}
