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
        var accumulator = MetricsAccumulator(threshold: 0.5)
        for batch in batches {
            let logits = network.forward(batch.input, training: false)
            let observed = batch.weight.data.indices.filter { batch.weight.data[$0] >= 0.5 }
            try accumulator.add(probability: observed.map { 1 / (1 + expf(-logits.data[$0])) },
                                truth: observed.map { batch.target.data[$0] >= 0.5 })
        }
        return accumulator.metrics
    }
}
