import Foundation
import BlurdImaging
import BlurdSegmenter

/// The fp32 net run directly on the whole frame: normalise, forward, sigmoid.
///
/// Used for training-time scoring and by `blurd eval` for cnn-fp32; the tiled, threaded
/// inference path of the daemon is the segmenter's.
public struct NetworkProbabilityMethod: BlurProbabilityMethod {
    public let name: String
    public let network: Network
    public let inputMean: Float
    public let inputStd: Float

    public init(name: String = "cnn-fp32", model: ModelFile) throws {
        self.name = name
        network = try Network(model: model)
        inputMean = model.inputMean
        inputStd = model.inputStd
    }

    public func probabilities(_ luma: GrayImage) throws -> FloatImage {
        guard luma.width > 0, luma.height > 0 else { throw EvaluationError.method("\(name): empty image") }
        let scale = 1 / (255 * inputStd), offset = inputMean / inputStd
        let input = Tensor(n: 1, c: 1, h: luma.height, w: luma.width,
                           data: luma.pixels.map { Float($0) * scale - offset })
        let logits = network.forward(input, training: false)
        return FloatImage(width: logits.w, height: logits.h, pixels: logits.data.map { 1 / (1 + expf(-$0)) })
    }
}
