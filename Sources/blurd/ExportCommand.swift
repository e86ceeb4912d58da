import ArgumentParser
import Foundation
import BlurdSegmenter
import BlurdTraining

/// `blurd export`: a training checkpoint → a model file (batch norm folded, int8 calibrated).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model file from a training checkpoint: fold batch norm, calibrate int8, record metadata.",
        discussion: """
        Calibration frames are synthetic samples from the held-out photographs (the checkpoint's \
        --photos unless given). The model keeps the training run's metadata (command, seed, data, \
        iterations, validation metrics) and adds the export's.
        """)

    @Argument(help: "Checkpoint written by `blurd train`.")
    var checkpoint: String
    @Option(help: "Model file to write.")
    var out = "data/train/model.blurdmodel"
    @Option(help: "Synthetic held-out frames to calibrate int8 activations on.")
    var calibration = 32
    @Option(help: "Side of the calibration frames, in pixels.")
    var calibrationSize = 256
    @Option(help: "Photographs for calibration (default: the ones the checkpoint was trained on).")
    var photos: String?

    func validate() throws {
        try DeveloperOptionRanges.check("--calibration", calibration, DeveloperOptionRanges.count)
        try DeveloperOptionRanges.check("--calibration-size", calibrationSize, DeveloperOptionRanges.frameSide)
    }

    func run() throws {
        BLAS.setThreads(1)
        let saved = try TrainingCheckpoint.read(contentsOf: checkpoint)
        let configuration = saved.header.configuration
        var metadata = ["export_command": CommandLine.arguments.joined(separator: " ")]
        var model = try ModelExport.foldedModel(from: saved, metadata: metadata)
        if let reason = QuantizedNetwork.unsupportedReason(model.spec) {
            // A spec the int8 engine cannot run (a layer it has no kernel for): the model runs in fp32.
            metadata["int8_calibration"] = "none: \(reason); run with --precision fp32"
            model.metadata.merge(metadata) { _, new in new }
            try model.write(to: out)
            print("wrote \(out): \(model.spec.name) fp32 only (no int8 form: \(reason)), \(saved.header.iteration) iterations")
            return
        }

        let photoDirectory = photos ?? configuration.photosDirectory
        let factory = try SynthesisSampleSources.factory(photosDirectory: photoDirectory, cropSize: calibrationSize)
        let source = try factory(.validation, SeedMixing.mix(configuration.seed, ExportCommand.calibrationStream))
        let frames = (0..<calibration).map { _ in source().image.toGray() }
        let agreement = try ModelExport.addInt8Measured(to: &model, calibration: frames)
        let typeNote = agreement.typeAgreement.map { String(format: ", type agreement on fp32-blurred cells %.4f", $0) } ?? ""
        metadata["int8_calibration"] = String(format: "%d synthetic held-out frames of %d px from %@; int8/fp32 decision agreement %.4f",
                                              calibration, calibrationSize, photoDirectory, agreement.blur) + typeNote
        model.metadata.merge(metadata) { _, new in new }
        try model.write(to: out)
        print(String(format: "wrote %@: %@ fp32 + int8, %d iterations, int8/fp32 agreement on calibration frames %.4f",
                     out, model.spec.name, saved.header.iteration, agreement.blur) + typeNote)
    }

    /// Calibration frames come from a stream of their own, apart from training's validation set.
    static let calibrationStream: UInt64 = 0x63616C69
}
