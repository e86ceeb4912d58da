import Foundation
import BlurdSegmenter

/// A fixed set of synthetic samples from the held-out photographs, made once per run, on which
/// the net is scored every few iterations (same samples every time, so the numbers compare).
public struct ValidationSet {
    public let batches: [TrainingBatch]

    /// Draws `count` samples from `source` and groups them into batches of `batchSize`.
    public init(count: Int, batchSize: Int, cropSize: Int, outputSize: (height: Int, width: Int),
                normalization: InputNormalization, source: () -> TrainingSample) throws {
        var batches: [TrainingBatch] = []
        var remaining = count
        while remaining > 0 {
            let size = min(batchSize, remaining)
            let samples = (0..<size).map { _ in source() }
            batches.append(try TrainingBatch(samples: samples, cropSize: cropSize, outputSize: outputSize,
                                             normalization: normalization))
            remaining -= size
        }
        self.batches = batches
    }

    /// Pixel metrics of sigmoid(logits) on the output grid against the targets binarised at ½,
    /// over the cells whose truth can be seen (loss weight ≥ ½).
    public func evaluate(_ network: Network) throws -> SegmentationMetrics {
        try evaluateWithTypes(network).segmentation
    }

    /// The blur map's metrics and, for a net with type heads, the type metrics over the
    /// blurred cells whose truth can be seen (blurred fraction ≥ ½, loss weight ≥ ½).
    public func evaluateWithTypes(_ network: Network) throws -> (segmentation: SegmentationMetrics, types: BlurTypeMetrics?) {
        var accumulator = MetricsAccumulator(threshold: 0.5)
        var types = BlurTypeMetricsAccumulator()
        var layout: TypeHeadLayout?
        for batch in batches {
            let output = network.forward(batch.input, training: false)
            layout = TypeHeadLayout(spec: network.spec, channels: output.c)
            let blur = network.spec.head(OutputHead.blur)?.channel ?? 0
            let plane = output.h * output.w
            func at(_ b: Int, _ channel: Int, _ i: Int) -> Float { output.data[(b * output.c + channel) * plane + i] }
            var probabilities: [Float] = [], truths: [Bool] = []
            for b in 0..<output.n {
                for i in 0..<plane where batch.weight.data[b * plane + i] >= 0.5 {
                    probabilities.append(1 / (1 + expf(-at(b, blur, i))))
                    let blurred = batch.target.data[b * plane + i] >= 0.5
                    truths.append(blurred)
                    guard let layout, blurred, let label = batch.labels[b] else { continue }
                    types.add(motionProbability: 1 / (1 + expf(-at(b, layout.motion, i))),
                              doubleAngle: (at(b, layout.angle, i), at(b, layout.angle + 1, i)), label: label)
                }
            }
            try accumulator.add(probability: probabilities, truth: truths)
        }
        return (accumulator.metrics, layout == nil ? nil : types.metrics)
    }
}
