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

    @Option(help: ArgumentHelp("Architecture of a new run: blurseg-v1 (blurseg-v2's net, blur map only) or blurseg-v3 (context branch, blur-type and motion-direction heads; docs/MODEL.md).", valueName: "name"))
    var net = NetworkSpec.blurSegDefault.name
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
    @Option(name: .customLong("init"), help: ArgumentHelp("Fine-tune: start from this model's weights instead of random ones: a .blurdmodel, a .blurdckpt, or \"default\" for the model built into blurd.", valueName: "model"))
    var initialModel: String?
    @Option(help: ArgumentHelp("Choose the checkpoint to keep on real video: a robustness-format set of sharp and blurred-region clips (scripts/make-robustness-set.sh --selection), scored every --select-every iterations; the best goes to --best-checkpoint.", valueName: "set"))
    var selectOn: String?
    @Option(help: "Iterations between checkpoint-selection scores.")
    var selectEvery = 1000
    @Option(help: "Where the best checkpoint by --select-on goes (default: the checkpoint's name with -best).")
    var bestCheckpoint: String?
    @Option(help: ArgumentHelp("JSON object of synthesis settings laid over the defaults, e.g. {\"hazeProbability\": 0.3} (names: SynthesisConfig in Sources/BlurdTraining/Synthesis; stored in the checkpoint).", valueName: "file"))
    var synthesis: String?
    @Option(help: ArgumentHelp("Validate, select and export an exponential moving average of the weights with this decay per step (e.g. 0.9995) instead of the raw weights.", valueName: "decay"))
    var averageWeights: Float?

    func validate() throws {
        if resume == nil && minutes == nil && iterations == nil {
            throw ValidationError("give a budget: --minutes or --iterations")
        }
        if let minutes { try DeveloperOptionRanges.check("--minutes", minutes, DeveloperOptionRanges.minutes) }
        if let iterations { try DeveloperOptionRanges.check("--iterations", iterations, DeveloperOptionRanges.iterations) }
        if let stopAt { try DeveloperOptionRanges.check("--stop-at", stopAt, DeveloperOptionRanges.iterations) }
        try DeveloperOptionRanges.check("--batch", batch, DeveloperOptionRanges.batch)
        try DeveloperOptionRanges.check("--crop", crop, DeveloperOptionRanges.trainingCrop)
        try DeveloperOptionRanges.check("--lr", learningRate, DeveloperOptionRanges.factor)
        try DeveloperOptionRanges.check("--warmup", warmup, DeveloperOptionRanges.warmupIterations)
        try DeveloperOptionRanges.check("--dice-weight", diceWeight, DeveloperOptionRanges.weight)
        try DeveloperOptionRanges.check("--clip", clip, DeveloperOptionRanges.factor)
        try DeveloperOptionRanges.check("--workers", workers, DeveloperOptionRanges.threads)
        try DeveloperOptionRanges.check("--threads", threads, DeveloperOptionRanges.threads)
        try DeveloperOptionRanges.check("--validate-every", validateEvery, DeveloperOptionRanges.iterations)
        try DeveloperOptionRanges.check("--validation-samples", validationSamples, DeveloperOptionRanges.count)
        try DeveloperOptionRanges.check("--checkpoint-minutes", checkpointMinutes, DeveloperOptionRanges.minutes)
        try DeveloperOptionRanges.check("--select-every", selectEvery, DeveloperOptionRanges.iterations)
        if resume != nil && (initialModel != nil || synthesis != nil || averageWeights != nil || net != NetworkSpec.blurSegDefault.name) {
            throw ValidationError("--resume keeps the checkpoint's weights and settings; --init, --net, --synthesis and --average-weights start a new run")
        }
        guard NetworkSpec.trainable[net] != nil else {
            throw ValidationError("--net must be one of \(NetworkSpec.trainable.keys.sorted().joined(separator: ", ")), not '\(net)'")
        }
        if let averageWeights, !(averageWeights > 0 && averageWeights < 1) {
            throw ValidationError("--average-weights must lie strictly between 0 and 1")
        }
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
            let synthesisConfig = try synthesis.map { try SynthesisConfig.overriding(contentsOf: $0) } ?? SynthesisConfig()
            let startingModel = try initialModel.map(Self.loadInitialModel)
            let configuration = TrainingConfiguration(
                spec: NetworkSpec.trainable[net]!, photosDirectory: photos, cropSize: crop, batchSize: batch,
                schedule: LearningRateSchedule(peak: learningRate, warmupIterations: warmup),
                loss: SegmentationLoss(diceWeight: diceWeight), gradientClipNorm: clip,
                iterations: iterations, minutes: minutes, validationInterval: validateEvery,
                validationSamples: validationSamples, checkpointMinutes: checkpointMinutes,
                workers: workers, seed: seed, synthesis: synthesisConfig, initialModel: startingModel?.description,
                weightAverageDecay: averageWeights)
            trainer = try Trainer(configuration: configuration, initialModel: startingModel?.model, metadata: metadata)
        }
        let checkpoint = self.checkpoint ?? resume ?? "data/train/checkpoint.blurdckpt"
        let directory = (checkpoint as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let selector = try selectOn.map { directory -> CheckpointSelector in
            let selection = try CheckpointSelection(directory: directory)
            let best = bestCheckpoint ?? ((checkpoint as NSString).deletingPathExtension + "-best.blurdckpt")
            return CheckpointSelector(interval: selectEvery, bestPath: best) { try selection.score($0) }
        }
        let stop = StopRequest()
        stop.installSignalHandlers()
        let sources = try SynthesisSampleSources.factory(photosDirectory: trainer.configuration.photosDirectory,
                                                         config: trainer.configuration.synthesis)
        let result = try trainer.run(sources: sources, checkpointPath: checkpoint, progress: TrainingProgress(), stop: stop,
                                     stopAt: stopAt, selector: selector)
        print(String(format: "%@ after %d iterations, %.1f min of training, %.1f samples/s (synthesis %.1f ms/sample/worker, loop starved %.0f s); checkpoint %@",
                     result.interrupted || result.iterations == stopAt ? "stopped" : "finished", result.iterations, result.trainingSeconds / 60,
                     result.samplesPerSecond, result.synthesisSecondsPerSample * 1000, result.starvedSeconds, checkpoint))
        if let selector, let best = trainer.bestSelection, let at = trainer.bestSelectionIteration {
            print(String(format: "best on real video at iteration %d: region IoU %.4f, sharp blurred fraction %.4f; checkpoint %@",
                         at, best.regionIoU, best.sharpBlurredFraction, selector.bestPath))
        }
        if let metrics = result.validation {
            print(String(format: "validation: IoU %.4f  F0.3 %.4f  precision %.4f  recall %.4f  MAE %.4f  AP %.4f",
                         metrics.iou, metrics.fMeasure, metrics.precision, metrics.recall, metrics.mae, metrics.averagePrecision))
        }
    }

    /// The `--init` model and how the checkpoint names it (the model's stored CRC pins the weights).
    private static func loadInitialModel(_ source: String) throws -> (model: ModelFile, description: String) {
        let model: ModelFile
        if source == "default" {
            model = try DefaultModel.load()
        } else {
            guard let data = FileManager.default.contents(atPath: source) else {
                throw ValidationError("cannot read --init model \(source)")
            }
            let bytes = [UInt8](data)
            model = bytes.starts(with: TrainingCheckpoint.magic) ? try TrainingCheckpoint(bytes: bytes).deployableModel : try ModelFile(bytes: bytes)
        }
        let name = source == "default" ? "the built-in default model" : source
        return (model, String(format: "%@ (%@, model CRC-32 0x%08x)", name, model.spec.name, model.storedChecksum))
    }
}
