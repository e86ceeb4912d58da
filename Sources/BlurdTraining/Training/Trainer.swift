import Foundation
import BlurdSegmenter

/// Which photographs a sample source draws from.
public enum TrainingDataRole: Sendable {
    case training, validation
}

/// What a finished (or interrupted) run reports.
public struct TrainingResult {
    public var iterations: Int
    public var trainingSeconds: Double
    /// Samples per second of this session (resumed runs count from the resume).
    public var samplesPerSecond: Double
    /// The loss of each iteration of this session, in order.
    public var lossHistory: [Float]
    public var validation: SegmentationMetrics?
    public var checkpoint: TrainingCheckpoint
    /// True when a stop request ended the run before its budget.
    public var interrupted: Bool
    /// Mean seconds one synthesis worker spent per sample, and seconds the loop waited for samples.
    public var synthesisSecondsPerSample: Double
    public var starvedSeconds: Double
}

/// Keeps the checkpoint a score of the model itself likes best (`CheckpointSelection`: real
/// video), scored every `interval` iterations, at the end, and at the start of a fine-tune.
public struct CheckpointSelector {
    public var interval: Int
    /// Where the best checkpoint so far is written.
    public var bestPath: String
    public var score: (ModelFile) throws -> SelectionScore

    public init(interval: Int, bestPath: String, score: @escaping (ModelFile) throws -> SelectionScore) {
        self.interval = interval
        self.bestPath = bestPath
        self.score = score
    }
}

/// The training loop: batches from a `SampleStream`, forward, BCE + Dice, backward, global-norm
/// clipping, Adam with warm-up and cosine decay; validation every few iterations and resumable
/// checkpoints on a timer, at the end and on a stop request.
public final class Trainer {
    /// Makes one sample source for a role, seeded; called once per worker thread.
    public typealias SourceFactory = (_ role: TrainingDataRole, _ seed: UInt64) throws -> SampleStream.Source

    public let configuration: TrainingConfiguration
    public let network: Network
    public private(set) var iteration: Int
    public private(set) var trainingSeconds: Double
    public private(set) var samplesSeen: Int
    /// Set from the first training samples on a fresh run; restored from the model on resume.
    public private(set) var normalization: InputNormalization?
    /// Merged into the model file's metadata at every checkpoint (command, data sources, …).
    public var metadata: [String: String]
    private let optimizer: AdamOptimizer
    /// The average of the weights when the configuration asks for one.
    public private(set) var weightAverage: WeightAverage?
    private var lastValidation: SegmentationMetrics?
    private var lastValidationIteration: Int?
    private var lastTypeValidation: BlurTypeMetrics?
    public private(set) var bestSelection: SelectionScore?
    public private(set) var bestSelectionIteration: Int?

    /// A fresh run with zero optimizer state: He-initialised weights from the run's seed, or,
    /// to fine-tune, the weights and input normalisation of `initialModel`; a model of another
    /// architecture gives its weights layer by layer (`WeightTransfer`).
    public init(configuration: TrainingConfiguration, initialModel: ModelFile? = nil, metadata: [String: String] = [:]) throws {
        try configuration.validate()
        self.configuration = configuration
        if let initialModel {
            if initialModel.spec == configuration.spec {
                network = try Network(model: initialModel)
            } else {
                network = Network(spec: configuration.spec, seed: configuration.seed)
                try WeightTransfer.apply(from: initialModel, to: network)
            }
            normalization = InputNormalization(mean: initialModel.inputMean, std: initialModel.inputStd)
        } else {
            network = Network(spec: configuration.spec, seed: configuration.seed)
        }
        optimizer = AdamOptimizer(parameterCounts: network.parameters.map(\.value.count))
        let parameters = network.parameters
        weightAverage = configuration.weightAverageDecay.map { WeightAverage(decay: $0, parameters: parameters) }
        iteration = 0
        trainingSeconds = 0
        samplesSeen = 0
        self.metadata = metadata
    }

    /// Continues a run where its checkpoint left it.
    public init(resuming checkpoint: TrainingCheckpoint, metadata: [String: String] = [:]) throws {
        let header = checkpoint.header
        try header.configuration.validate()
        guard checkpoint.model.spec == header.configuration.spec else {
            throw TrainingError.checkpoint("the model's architecture differs from the run's configuration")
        }
        configuration = header.configuration
        network = try Network(model: checkpoint.model)
        optimizer = try AdamOptimizer(step: header.adamStep, firstMoments: checkpoint.firstMoments,
                                      secondMoments: checkpoint.secondMoments)
        guard network.parameters.map(\.value.count) == checkpoint.firstMoments.map(\.count) else {
            throw TrainingError.checkpoint("optimizer state does not match the network's parameters")
        }
        switch (header.configuration.weightAverageDecay, checkpoint.averagedWeights) {
        case let (decay?, values?):
            // One average update per optimizer step, so Adam's step is the average's too.
            weightAverage = WeightAverage(decay: decay, updates: header.adamStep, values: values)
        case (nil, nil):
            weightAverage = nil
        default:
            throw TrainingError.checkpoint("the run's weight-average setting and the saved average disagree")
        }
        iteration = header.iteration
        trainingSeconds = header.trainingSeconds
        samplesSeen = header.samplesSeen
        normalization = InputNormalization(mean: checkpoint.model.inputMean, std: checkpoint.model.inputStd)
        lastValidation = header.validation
        lastValidationIteration = header.validationIteration
        bestSelection = header.bestSelection
        bestSelectionIteration = header.bestSelectionIteration
        self.metadata = checkpoint.model.metadata.merging(metadata) { _, new in new }
    }

    /// The part of the budget done, in [0, 1]: iterations or training time, whichever is further.
    public var budgetFraction: Double {
        var fraction = 0.0
        if let iterations = configuration.iterations { fraction = max(fraction, Double(iteration) / Double(iterations)) }
        if let minutes = configuration.minutes { fraction = max(fraction, trainingSeconds / (minutes * 60)) }
        return min(1, fraction)
    }

    /// Trains until the budget is spent, `stop` is requested or iteration `stopAt` is done;
    /// writes checkpoints to `checkpointPath` (when given) on the configured timer and at the end.
    ///
    /// `stopAt` ends the run early while the learning-rate schedule still spans the whole
    /// budget: the weights are exactly those a checkpoint of the full run has at that iteration,
    /// so an early-stopped model can be remade by its command alone.
    public func run(sources: SourceFactory, checkpointPath: String?, progress: TrainingProgress? = nil,
                    stop: StopRequest? = nil, stopAt: Int? = nil, selector: CheckpointSelector? = nil) throws -> TrainingResult {
        let config = configuration
        let outputSize = network.outputSize(height: config.cropSize, width: config.cropSize)
        if normalization == nil {
            let source = try sources(.training, SeedMixing.mix(config.seed, 0x6E6F726D))
            normalization = InputNormalization.measure((0..<64).map { _ in source().image })
            progress?.message(String(format: "input normalisation: mean %.4f std %.4f (64 training samples)",
                                     normalization!.mean, normalization!.std))
        }
        let normalization = self.normalization!
        let validationSource = try sources(.validation, SeedMixing.mix(config.seed, SeedMixing.validationStream))
        let validationSet = try ValidationSet(count: config.validationSamples, batchSize: config.batchSize,
                                              cropSize: config.cropSize, outputSize: outputSize,
                                              normalization: normalization, source: validationSource)
        let workerSources = try (0..<config.workers).map {
            try sources(.training, SeedMixing.mix(config.seed, UInt64(iteration), UInt64($0)))
        }
        let stream = SampleStream(sources: workerSources, capacity: max(2 * config.batchSize, 4))
        defer { stream.stop() }

        let parameters = network.parameters
        let sessionStart = Self.now()
        var segmentStart = sessionStart
        var lastCheckpoint = sessionStart
        var lossHistory: [Float] = []
        var smoothedLoss: Float?
        var interrupted = false
        progress?.message(String(format: "training %@: %d parameters, receptive field %d px, output stride %d, %.3f GFLOP per 640×360; batch %d × %d px, %d synthesis worker(s), from iteration %d",
                                 config.spec.name, parameters.reduce(0) { $0 + $1.value.count }, network.receptiveField,
                                 network.outputStride, network.flops(height: 360, width: 640) / 1e9, config.batchSize,
                                 config.cropSize, config.workers, iteration))

        var lastSelected: Int?
        if let selector, iteration == 0, configuration.initialModel != nil {
            try select(selector, progress: progress)
            lastSelected = iteration
        }
        while budgetFraction < 1 {
            if let stopAt, iteration >= stopAt { break }
            if stop?.isRequested == true {
                interrupted = true
                break
            }
            let samples = (0..<config.batchSize).map { _ in stream.next() }
            let batch = try TrainingBatch(samples: samples, cropSize: config.cropSize, outputSize: outputSize,
                                          normalization: normalization)
            network.zeroGrad()
            let logits = network.forward(batch.input, training: true)
            let loss: LossEvaluation
            if let layout = TypeHeadLayout(spec: config.spec, channels: logits.c) {
                loss = try config.typeLoss.evaluate(output: logits, layout: layout, batch: batch, segmentation: config.loss)
            } else {
                loss = try config.loss.evaluate(logits: logits, target: batch.target, weight: batch.weight)
            }
            guard loss.total.isFinite else {
                throw TrainingError.diverged("loss is \(loss.total) at iteration \(iteration); the last checkpoint is intact")
            }
            network.backward(loss.gradient)
            GradientClipping.clip(parameters, maxNorm: config.gradientClipNorm)
            let learningRate = config.schedule.rate(iteration: iteration, progress: budgetFraction)
            try optimizer.update(parameters, learningRate: learningRate)
            weightAverage?.update(from: parameters)

            iteration += 1
            samplesSeen += config.batchSize
            lossHistory.append(loss.total)
            smoothedLoss = smoothedLoss.map { 0.98 * $0 + 0.02 * loss.total } ?? loss.total
            let now = Self.now()
            trainingSeconds += now - segmentStart
            segmentStart = now
            let sessionSeconds = now - sessionStart
            progress?.update(iteration: iteration, fraction: budgetFraction, elapsed: trainingSeconds,
                             samplesPerSecond: Double(lossHistory.count * config.batchSize) / max(sessionSeconds, 1e-9),
                             loss: smoothedLoss!, learningRate: learningRate, now: now)

            if iteration % config.validationInterval == 0 {
                let (metrics, types) = try validationSet.evaluateWithTypes(try deployableNetwork())
                lastValidation = metrics
                lastValidationIteration = iteration
                lastTypeValidation = types
                progress?.message(String(format: "validation at it %d: IoU %.4f  F0.3 %.4f  P %.4f  R %.4f  MAE %.4f  (train loss %.4f)%@",
                                         iteration, metrics.iou, metrics.fMeasure, metrics.precision, metrics.recall,
                                         metrics.mae, smoothedLoss!, Self.describe(types)))
                segmentStart = Self.now()
            }
            if let selector, iteration % selector.interval == 0 {
                try select(selector, progress: progress)
                lastSelected = iteration
                segmentStart = Self.now()
            }
            if let checkpointPath, Self.now() - lastCheckpoint >= config.checkpointMinutes * 60 {
                try makeCheckpoint().write(to: checkpointPath)
                progress?.message("checkpoint at it \(iteration): \(checkpointPath)")
                lastCheckpoint = Self.now()
                segmentStart = lastCheckpoint
            }
        }

        // Scored again even when interrupted, so the checkpoint's numbers are those of its weights.
        let (metrics, types) = try validationSet.evaluateWithTypes(try deployableNetwork())
        lastValidation = metrics
        lastValidationIteration = iteration
        lastTypeValidation = types
        progress?.message(String(format: "final validation at it %d: IoU %.4f  F0.3 %.4f  P %.4f  R %.4f  MAE %.4f  AP %.4f%@",
                                 iteration, metrics.iou, metrics.fMeasure, metrics.precision, metrics.recall,
                                 metrics.mae, metrics.averagePrecision, Self.describe(types)))
        if let selector, lastSelected != iteration { try select(selector, progress: progress) }
        let checkpoint = makeCheckpoint()
        if let checkpointPath {
            try checkpoint.write(to: checkpointPath)
            progress?.message("checkpoint at it \(iteration): \(checkpointPath)")
        }
        let statistics = stream.statistics
        let sessionSeconds = Self.now() - sessionStart
        return TrainingResult(iterations: iteration, trainingSeconds: trainingSeconds,
                              samplesPerSecond: Double(lossHistory.count * config.batchSize) / max(sessionSeconds, 1e-9),
                              lossHistory: lossHistory, validation: lastValidation, checkpoint: checkpoint,
                              interrupted: interrupted, synthesisSecondsPerSample: statistics.secondsPerSample,
                              starvedSeconds: statistics.consumerWaitSeconds)
    }

    /// The type metrics of a validation line ("" for a net without type heads).
    private static func describe(_ types: BlurTypeMetrics?) -> String {
        guard let types else { return "" }
        let angle = types.medianAngleError.map { String(format: "%.1f°", $0) } ?? "n/a"
        return String(format: "  type accuracy %.4f (%d cells)  angle median %@ (%d cells)", types.typeAccuracy,
                      types.blurredCells, angle, types.angleCells)
    }

    /// Scores the current weights; when they beat the best so far, writes them to the best path.
    private func select(_ selector: CheckpointSelector, progress: TrainingProgress?) throws {
        let score = try selector.score(makeCheckpoint().deployableModel)
        let improved = bestSelection.map { score.value > $0.value } ?? true
        progress?.message(String(format: "selection at it %d: region IoU %.4f  sharp blurred %.4f  score %.4f%@",
                                 iteration, score.regionIoU, score.sharpBlurredFraction, score.value,
                                 improved ? "  (best so far)" : ""))
        guard improved else { return }
        bestSelection = score
        bestSelectionIteration = iteration
        try makeCheckpoint().write(to: selector.bestPath)
        progress?.message("best checkpoint at it \(iteration): \(selector.bestPath)")
    }

    /// The net a checkpoint of this moment would export: the averaged weights when the run keeps
    /// an average, else the trained network itself.
    private func deployableNetwork() throws -> Network {
        guard weightAverage != nil else { return network }
        return try Network(model: makeCheckpoint().deployableModel)
    }

    /// The current state as a checkpoint whose model metadata records the run so far.
    public func makeCheckpoint() -> TrainingCheckpoint {
        let normalization = self.normalization ?? InputNormalization(mean: 0.5, std: 0.25)
        var metadata = self.metadata
        metadata["seed"] = String(configuration.seed)
        metadata["iterations"] = String(iteration)
        metadata["samples_seen"] = String(samplesSeen)
        metadata["training_seconds"] = String(format: "%.0f", trainingSeconds)
        metadata["batch"] = "\(configuration.batchSize)x\(configuration.cropSize)px"
        metadata["synthesis_overrides"] = configuration.synthesis.overridesJSON
        if let initialModel = configuration.initialModel { metadata["initialized_from"] = initialModel }
        if let average = weightAverage {
            metadata["weight_average"] = String(format: "exponential moving average of the weights, decay %g, over %d steps",
                                                 average.decay, average.updates)
        }
        if let best = bestSelection, let at = bestSelectionIteration {
            metadata["selection"] = String(format: "real video: best at iteration %d, region IoU %.4f, sharp blurred fraction %.4f",
                                           at, best.regionIoU, best.sharpBlurredFraction)
        }
        if let validation = lastValidation {
            let at = lastValidationIteration.map { " at iteration \($0)" } ?? ""
            metadata["validation"] = String(format: "synthetic held-out, %d samples%@: IoU %.4f F0.3 %.4f P %.4f R %.4f MAE %.4f",
                                            configuration.validationSamples, at, validation.iou, validation.fMeasure,
                                            validation.precision, validation.recall, validation.mae)
        }
        if let types = lastTypeValidation, let at = lastValidationIteration {
            metadata["type_validation"] = "synthetic held-out at iteration \(at):" + Self.describe(types)
        }
        let model = ModelFile(network: network, inputMean: normalization.mean, inputStd: normalization.std, metadata: metadata)
        let header = TrainingCheckpoint.Header(configuration: configuration, iteration: iteration,
                                               trainingSeconds: trainingSeconds, samplesSeen: samplesSeen,
                                               adamStep: optimizer.step, validation: lastValidation,
                                               validationIteration: lastValidationIteration,
                                               bestSelection: bestSelection, bestSelectionIteration: bestSelectionIteration)
        return TrainingCheckpoint(header: header, model: model, firstMoments: optimizer.firstMoments,
                                  secondMoments: optimizer.secondMoments, averagedWeights: weightAverage?.values)
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
}
