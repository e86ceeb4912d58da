/// Global average pooling: each channel's mean over the whole map, a 1×1 output (the `gap` op).
///
/// When `context` is set, the layer outputs it instead of pooling its input: a tiled run gives
/// every tile the frame's own mean this way, so a tile sees the context of the whole frame.
final class GlobalPoolingLayer: NetworkLayer {
    /// One value per channel of the input, used for every image of the batch; nil: pool the input.
    var context: [Float]?

    func forward(_ input: FeatureMap, reference: FeatureMap?, output: FeatureMap, scratch: ConvolutionScratch) {
        output.reshape(n: input.n, c: input.c, h: 1, w: 1)
        let area = input.plane
        for b in 0..<input.n {
            for c in 0..<input.c {
                if let context {
                    output.data[b * input.c + c] = context[c]
                    continue
                }
                let plane = input.plane(b, c)
                var sum: Float = 0
                for i in 0..<area { sum += plane[i] }
                output.data[b * input.c + c] = area > 0 ? sum / Float(area) : 0
            }
        }
    }

    func backward(input: FeatureMap, reference: FeatureMap?, gradOutput: FeatureMap,
                  gradInput: FeatureMap?, gradReference: FeatureMap?, scratch: ConvolutionScratch) {
        guard let gradInput, context == nil, input.plane > 0 else { return }
        let share = 1 / Float(input.plane)
        for b in 0..<input.n {
            for c in 0..<input.c {
                let dy = gradOutput.data[b * input.c + c] * share
                let dx = gradInput.plane(b, c)
                for i in 0..<input.plane { dx[i] += dy }
            }
        }
    }
}
