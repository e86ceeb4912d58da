import ArgumentParser
import Foundation
import BlurdSegmenter
import BlurdTraining

/// `blurd train`: trains the segmentation net on synthetic blur made on the fly from sharp photographs.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the blur-segmentation net on synthetically blurred photographs.",
        discussion: """
        Samples are synthesised on background threads from --photos (its training split); a fixed \
        set from the held-out split is scored every --validate-every iterations. Checkpoints \
        (weights, optimizer state, iteration, configuration and seed) are written every \
        --checkpoint-minutes, at the end and on Ctrl-C; --resume continues one. Turn a checkpoint \
        into a model file with `blurd export`.
        """)

    @Option(help: "Folder of sharp photographs (from scripts/fetch-photos.sh).")
    var photos = "data/photos"
    @Option(help: "Checkpoint file to write (default: the --resume file, else data/train/checkpoint.blurdckpt).")
    var checkpoint: String?
    @Option(help: "Continue the run saved in this checkpoint (its configuration is kept).")
    var resume: String?
    @Option(help: "Training time budget in minutes.")
    var minutes: Double?
    @Option(help: "Iteration budget.")
    var iterations: Int?
    @Option(help: "Stop once this iteration is done, with the learning-rate schedule still spanning the whole budget (early stopping that the same command repeats exactly).")
    var stopAt: Int?
    @Option(help: "Seed of weights, samples and validation set.")
    var seed: UInt64 = 1
    @Option(help: "Crops per batch.")
    var batch = 12
    @Option(help: "Crop side in pixels (multiple of the net's output stride).")
    var crop = 192
    @Option(name: .customLong("lr"), help: "Peak learning rate (after warm-up, before cosine decay).")
    var learningRate: Float = 2e-3
    @Option(help: "Linear warm-up iterations.")
    var warmup = 200
    @Option(help: "Weight of the soft-Dice term next to BCE.")
    var diceWeight: Float = 1
    @Option(help: "Global gradient-norm clip.")
    var clip: Float = 1
    @Option(help: "Sample-synthesis threads.")
    var workers = 1
    @Option(help: "OpenBLAS threads for the convolutions (1 leaves a core to the synthesis worker; measured fastest on the shared 2-core machine).")
    var threads = 1
    @Option(help: "Validate every N iterations.")
    var validateEvery = 250
    @Option(help: "Held-out synthetic samples in the validation set.")
    var validationSamples = 64
    @Option(help: "Minutes between checkpoints.")
    var checkpointMinutes: Double = 5

    func validate() throws {
        if resume == nil && minutes == nil && iterations == nil {
            throw ValidationError("give a budget: --minutes or --iterations")
        }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
        if let stopAt, stopAt <= 0 { throw ValidationError("--stop-at must be positive") }
    }

    func run() throws {
        BLAS.setThreads(threads)
        let metadata = [
            "command": CommandLine.arguments.joined(separator: " "),
            "data": "synthetic blur on photographs in \(photos) (scripts/fetch-photos.sh, Debian packages)",
        ]
        let trainer: Trainer
        if let resume {
            trainer = try Trainer(resuming: try TrainingCheckpoint.read(contentsOf: resume), metadata: metadata)
            if minutes != nil || iterations != nil {
                FileHandle.standardError.write("note: --resume keeps the checkpoint's budget and settings\n".data(using: .utf8)!)
            }
        } else {
            let configuration = TrainingConfiguration(
                spec: .blurSegDefault, photosDirectory: photos, cropSize: crop, batchSize: batch,
                schedule: LearningRateSchedule(peak: learningRate, warmupIterations: warmup),
                loss: SegmentationLoss(diceWeight: diceWeight), gradientClipNorm: clip,
                iterations: iterations, minutes: minutes, validationInterval: validateEvery,
                validationSamples: validationSamples, checkpointMinutes: checkpointMinutes,
                workers: workers, seed: seed)
            trainer = try Trainer(configuration: configuration, metadata: metadata)
        }
        let checkpoint = self.checkpoint ?? resume ?? "data/train/checkpoint.blurdckpt"
        let directory = (checkpoint as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let stop = StopRequest()
        stop.installSignalHandlers()
        let sources = try SynthesisSampleSources.factory(photosDirectory: trainer.configuration.photosDirectory,
                                                         cropSize: trainer.configuration.cropSize)
        let result = try trainer.run(sources: sources, checkpointPath: checkpoint, progress: TrainingProgress(), stop: stop,
                                     stopAt: stopAt)
        print(String(format: "%@ after %d iterations, %.1f min of training, %.1f samples/s (synthesis %.1f ms/sample/worker, loop starved %.0f s); checkpoint %@",
                     result.interrupted || result.iterations == stopAt ? "stopped" : "finished", result.iterations, result.trainingSeconds / 60,
                     result.samplesPerSecond, result.synthesisSecondsPerSample * 1000, result.starvedSeconds, checkpoint))
        if let metrics = result.validation {
            print(String(format: "validation: IoU %.4f  F0.3 %.4f  precision %.4f  recall %.4f  MAE %.4f  AP %.4f",
                         metrics.iou, metrics.fMeasure, metrics.precision, metrics.recall, metrics.mae, metrics.averagePrecision))
        }
    }
}
