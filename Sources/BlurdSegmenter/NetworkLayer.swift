/// One executable layer of a `Network`. The network owns every buffer; a layer only reads its
/// inputs and writes (forward) or accumulates (backward) into the maps it is handed.
protocol NetworkLayer: AnyObject {
    /// Reshapes `output` and fills it (before the layer's activation, which the network applies).
    func forward(_ input: FeatureMap, reference: FeatureMap?, output: FeatureMap, scratch: ConvolutionScratch)

    /// `gradOutput` is d(loss)/d(pre-activation output). Adds d(loss)/d(input) into `gradInput`
    /// (nil when nobody needs it), d(loss)/d(reference) into `gradReference`, and parameter
    /// gradients into the layer's parameters.
    func backward(input: FeatureMap, reference: FeatureMap?, gradOutput: FeatureMap,
                  gradInput: FeatureMap?, gradReference: FeatureMap?, scratch: ConvolutionScratch)
}

/// The im2col matrices shared by every convolution of one network (they run one at a time).
final class ConvolutionScratch {
    let columns = FloatBuffer()
    let columnGradients = FloatBuffer()
}
