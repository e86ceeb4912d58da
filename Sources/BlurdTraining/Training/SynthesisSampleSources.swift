/// Connects the trainer to the sample synthesizer: training workers draw from the photo
/// library's train split, the validation set and export calibration from its held-out split.
public enum SynthesisSampleSources {
    /// Loads both splits of `photosDirectory` once; each call of the returned factory makes a
    /// synthesizer of its own (its own random stream) over the shared, immutable library.
    public static func factory(photosDirectory: String, config: SynthesisConfig) throws -> Trainer.SourceFactory {
        try config.validate()
        let training = try PhotoLibrary(directory: photosDirectory, split: .train)
        let validation = try PhotoLibrary(directory: photosDirectory, split: .validation)
        guard training.count > 0, validation.count > 0 else {
            throw TrainingError.data("\(photosDirectory) needs photographs in both splits (train \(training.count), validation \(validation.count)); run scripts/fetch-photos.sh")
        }
        return { role, seed in
            let synthesizer = SampleSynthesizer(library: role == .training ? training : validation, config: config, seed: seed)
            return { synthesizer.next() }
        }
    }

    /// The factory with the default synthesis settings at `cropSize`: the fixed recipe that
    /// evaluation and export calibration use whatever recipe a model was trained with.
    public static func factory(photosDirectory: String, cropSize: Int) throws -> Trainer.SourceFactory {
        var config = SynthesisConfig()
        config.cropSize = cropSize
        return try factory(photosDirectory: photosDirectory, config: config)
    }
}
