import BlurdSegmenter

/// Everything that defines a training run; stored in every checkpoint so `--resume` continues
/// the same run (same schedule, batch, data and seed).
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    public var spec: NetworkSpec
    /// Folder of sharp photographs (with the synthesis code's train/validation split).
    public var photosDirectory: String
    /// Side of the square training crops, in pixels; a multiple of the net's output stride.
    public var cropSize: Int
    public var batchSize: Int
    public var schedule: LearningRateSchedule
    public var loss: SegmentationLoss
    /// Global L2 norm the gradients are clipped to.
    public var gradientClipNorm: Float
    /// Budget: stop after this many iterations, or after this much training time; at least one is set.
    public var iterations: Int?
    public var minutes: Double?
    /// Validate every this many iterations, on this many held-out synthetic samples.
    public var validationInterval: Int
    public var validationSamples: Int
    /// Save a checkpoint every this many minutes of training.
    public var checkpointMinutes: Double
    /// Sample-synthesis threads feeding the batch queue.
    public var workers: Int
    public var seed: UInt64
    /// The sample synthesizer's settings (its `cropSize` is `cropSize`).
    public var synthesis: SynthesisConfig
    /// Where the starting weights came from when the run fine-tunes a model (`blurd train
    /// --init`), else nil: He initialisation from `seed`.
    public var initialModel: String?
    /// Decay of the weight average (`WeightAverage`) the run validates, selects and exports, or
    /// nil to use the raw weights.
    public var weightAverageDecay: Float?
    /// The weights of the blur-type heads' loss terms; used when the spec has those heads.
    public var typeLoss: BlurTypeLoss

    public init(spec: NetworkSpec = .blurSegDefault, photosDirectory: String, cropSize: Int = 192,
                batchSize: Int = 12, schedule: LearningRateSchedule = LearningRateSchedule(peak: 2e-3, warmupIterations: 200),
                loss: SegmentationLoss = SegmentationLoss(), gradientClipNorm: Float = 1,
                iterations: Int? = nil, minutes: Double? = nil, validationInterval: Int = 250,
                validationSamples: Int = 64, checkpointMinutes: Double = 5, workers: Int = 1, seed: UInt64 = 1,
                synthesis: SynthesisConfig = SynthesisConfig(), initialModel: String? = nil,
                weightAverageDecay: Float? = nil, typeLoss: BlurTypeLoss = BlurTypeLoss()) {
        self.spec = spec; self.photosDirectory = photosDirectory; self.cropSize = cropSize
        self.batchSize = batchSize; self.schedule = schedule; self.loss = loss
        self.gradientClipNorm = gradientClipNorm; self.iterations = iterations; self.minutes = minutes
        self.validationInterval = validationInterval; self.validationSamples = validationSamples
        self.checkpointMinutes = checkpointMinutes; self.workers = workers; self.seed = seed
        self.synthesis = synthesis
        self.synthesis.cropSize = cropSize
        self.initialModel = initialModel
        self.weightAverageDecay = weightAverageDecay
        self.typeLoss = typeLoss
    }

    /// Checkpoints written before `synthesis`, `initialModel`, `weightAverageDecay` and
    /// `typeLoss` existed ran the defaults from scratch without an average (and had no type
    /// heads), and still resume.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spec = try c.decode(NetworkSpec.self, forKey: .spec)
        photosDirectory = try c.decode(String.self, forKey: .photosDirectory)
        cropSize = try c.decode(Int.self, forKey: .cropSize)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        schedule = try c.decode(LearningRateSchedule.self, forKey: .schedule)
        loss = try c.decode(SegmentationLoss.self, forKey: .loss)
        gradientClipNorm = try c.decode(Float.self, forKey: .gradientClipNorm)
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations)
        minutes = try c.decodeIfPresent(Double.self, forKey: .minutes)
        validationInterval = try c.decode(Int.self, forKey: .validationInterval)
        validationSamples = try c.decode(Int.self, forKey: .validationSamples)
        checkpointMinutes = try c.decode(Double.self, forKey: .checkpointMinutes)
        workers = try c.decode(Int.self, forKey: .workers)
        seed = try c.decode(UInt64.self, forKey: .seed)
        var defaults = SynthesisConfig()
        defaults.cropSize = cropSize
        synthesis = try c.decodeIfPresent(SynthesisConfig.self, forKey: .synthesis) ?? defaults
        initialModel = try c.decodeIfPresent(String.self, forKey: .initialModel)
        weightAverageDecay = try c.decodeIfPresent(Float.self, forKey: .weightAverageDecay)
        typeLoss = try c.decodeIfPresent(BlurTypeLoss.self, forKey: .typeLoss) ?? BlurTypeLoss()
    }

    /// Rejects settings that cannot train, with the reason.
    public func validate() throws {
        guard iterations != nil || minutes != nil else {
            throw TrainingError.configuration("set an iteration budget or a time budget")
        }
        if let iterations, iterations <= 0 { throw TrainingError.configuration("iterations must be positive") }
        if let minutes, !(minutes > 0) { throw TrainingError.configuration("minutes must be positive") }
        guard batchSize > 0 else { throw TrainingError.configuration("batch size must be positive") }
        guard workers > 0 else { throw TrainingError.configuration("workers must be positive") }
        guard validationInterval > 0, validationSamples > 0 else {
            throw TrainingError.configuration("validation interval and sample count must be positive")
        }
        guard checkpointMinutes > 0 else { throw TrainingError.configuration("checkpoint interval must be positive") }
        guard schedule.peak > 0, schedule.warmupIterations >= 0 else {
            throw TrainingError.configuration("learning rate must be positive")
        }
        for (name, value) in [("type", typeLoss.typeWeight), ("angle", typeLoss.angleWeight),
                              ("angle-confidence", typeLoss.confidenceWeight)] {
            guard value >= 0, value.isFinite else { throw TrainingError.configuration("the \(name) loss weight must be finite and ≥ 0") }
        }
        guard gradientClipNorm > 0 else { throw TrainingError.configuration("gradient clip norm must be positive") }
        if let weightAverageDecay, !(weightAverageDecay > 0 && weightAverageDecay < 1) {
            throw TrainingError.configuration("the weight-average decay must lie strictly between 0 and 1")
        }
        let stride = Network(spec: spec, seed: 0).outputStride
        guard cropSize >= 2 * stride, cropSize % stride == 0 else {
            throw TrainingError.configuration("crop size \(cropSize) must be a multiple of the net's output stride \(stride)")
        }
        guard synthesis.cropSize == cropSize else {
            throw TrainingError.configuration("the synthesis crop size \(synthesis.cropSize) differs from the crop size \(cropSize)")
        }
        do { try synthesis.validate() } catch { throw TrainingError.configuration("\(error)") }
    }
}
