import BlurdImaging

/// A blur detector under evaluation: luma in, blur probability (1 = blurred) out on the
/// method's own grid, which the evaluator resamples to the ground-truth mask's size.
public protocol BlurProbabilityMethod {
    /// The name in tables and JSON (cnn-fp32, cnn-int8, classic).
    var name: String { get }
    func probabilities(_ luma: GrayImage) throws -> FloatImage
}
