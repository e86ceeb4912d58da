import BlurdCore
import BlurdAnalysis

/// A blur detector under evaluation: luma in, blur probability (1 = blurred) out on the
/// method's own grid, which the evaluator resamples to the ground-truth mask's size.
public protocol BlurProbabilityMethod {
    /// The name in tables and JSON (cnn-fp32, cnn-int8, classic).
    var name: String { get }
    func probabilities(_ luma: GrayImage) throws -> FloatImage
}

extension FrameAnalysis {
    /// The analysis's blur map as probabilities, for scoring. A `no_texture` frame's map carries
    /// no information; it is scored as all sharp (probability 0), which is what a mask consumer
    /// would act on.
    func probabilityImage(method: String) throws -> FloatImage {
        guard map.width > 0, map.height > 0 else { throw EvaluationError.method("\(method): empty map") }
        if state == .noTexture { return FloatImage(width: map.width, height: map.height, fill: 0) }
        return FloatImage(width: map.width, height: map.height, pixels: map.probability.map { Float($0) / 255 })
    }
}
