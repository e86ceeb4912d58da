import BlurdSegmenter

/// Turns a training checkpoint into the fp32 part of a deployable model file.
///
/// Loading the checkpoint's weights through `Network(model:)` folds any batch norm that follows
/// a linear convolution into it; the model written from that network therefore has no `bn`
/// layer left to run (blurseg-v1 has none to begin with). Normalisation and the run's metadata
/// are carried over; `metadata` adds to them (export command, calibration).
public enum ModelExport {
    public static func foldedModel(from checkpoint: TrainingCheckpoint, metadata: [String: String]) throws -> ModelFile {
        let network = try Network(model: checkpoint.model)
        var merged = checkpoint.model.metadata.merging(metadata) { _, new in new }
        merged["iterations"] = String(checkpoint.header.iteration)
        merged["seed"] = String(checkpoint.header.configuration.seed)
        return ModelFile(network: network, inputMean: checkpoint.model.inputMean,
                         inputStd: checkpoint.model.inputStd, metadata: merged)
    }
}
