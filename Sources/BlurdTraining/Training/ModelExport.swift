import BlurdCore
import BlurdSegmenter

/// Turns a training checkpoint into a deployable model file.
///
/// Loading the checkpoint's weights through `Network(model:)` folds any batch norm that follows
/// a linear convolution into it; the model written from that network therefore has no `bn`
/// layer left to run (blurseg-v1 has none to begin with). Normalisation and the run's metadata
/// are carried over; `metadata` adds to them (export command, calibration). A run that averages
/// its weights exports the average (`TrainingCheckpoint.deployableModel`).
public enum ModelExport {
    public static func foldedModel(from checkpoint: TrainingCheckpoint, metadata: [String: String]) throws -> ModelFile {
        let network = try Network(model: checkpoint.deployableModel)
        var merged = checkpoint.model.metadata.merging(metadata) { _, new in new }
        merged["iterations"] = String(checkpoint.header.iteration)
        merged["seed"] = String(checkpoint.header.configuration.seed)
        return ModelFile(network: network, inputMean: checkpoint.model.inputMean,
                         inputStd: checkpoint.model.inputStd, metadata: merged)
    }

    /// Adds the int8 form of `model`, calibrated on `calibration` frames, and measures how often
    /// its blurred/sharp decision (blur logit ≥ 0, i.e. probability ≥ ½) agrees with fp32 on
    /// them. `typeAgreement` (models with a `motion` head): how often the type (motion logit
    /// ≥ 0) agrees on the cells fp32 calls blurred; nil without such a head or blurred cells.
    public static func addInt8(to model: inout ModelFile, calibration: [GrayImage]) throws -> Double {
        try addInt8Measured(to: &model, calibration: calibration).blur
    }

    public static func addInt8Measured(to model: inout ModelFile, calibration: [GrayImage]) throws
        -> (blur: Double, typeAgreement: Double?) {
        try model.addInt8(calibration: calibration)
        let fp32 = try Network(model: model)
        let int8 = try QuantizedNetwork(model: model)
        let blurChannel = model.spec.head(OutputHead.blur)?.channel ?? 0
        let motionChannel = model.spec.head(OutputHead.motion)?.channel
        var agreeing = 0, total = 0, typeAgreeing = 0, blurred = 0
        for luma in calibration {
            let input = Tensor(n: 1, c: 1, h: luma.height, w: luma.width,
                               data: luma.pixels.map { (Float($0) / 255 - model.inputMean) / model.inputStd })
            let reference = fp32.forward(input)
            let quantized = int8.forward(luma)
            guard reference.data.count == quantized.data.count else {
                throw TrainingError.configuration("int8 output \(quantized.h)×\(quantized.w) differs from fp32 \(reference.h)×\(reference.w)")
            }
            let plane = reference.h * reference.w
            for p in 0..<plane {
                let a = reference.data[blurChannel * plane + p], b = quantized.data[blurChannel * plane + p]
                if (a >= 0) == (b >= 0) { agreeing += 1 }
                guard let m = motionChannel, a >= 0 else { continue }
                blurred += 1
                if (reference.data[m * plane + p] >= 0) == (quantized.data[m * plane + p] >= 0) { typeAgreeing += 1 }
            }
            total += plane
        }
        return (total == 0 ? 0 : Double(agreeing) / Double(total),
                blurred == 0 ? nil : Double(typeAgreeing) / Double(blurred))
    }
}
