import BlurdAnalysis
import BlurdMedia
import BlurdSegmenter

/// A recipe made ready to run: its model loaded and checked once, before any input opens (a model
/// that cannot run is a bad option, not a failed stream), then any number of connections from
/// it, since a daemon's stream reconnects many times on one recipe.
public final class AnalysisRun: Sendable {
    public let recipe: AnalysisRecipe
    /// Makes one analyzer per pipeline worker.
    public let analyzerFactory: AnalyzerFactory

    /// Validates `recipe` and loads its model; throws `MediaError.invalidOption` when either is
    /// unusable.
    public init(recipe: AnalysisRecipe) throws {
        try recipe.validate()
        self.recipe = recipe
        guard recipe.method == .cnn else {
            analyzerFactory = recipe.method.makeFactory()
            return
        }
        do {
            let model: ModelFile
            switch recipe.model {
            case .builtIn: model = try DefaultModel.load()
            case .file(let path): model = try ModelFile.read(contentsOf: path)
            }
            // One segmenter thread per analyzer: the workers already keep every core busy.
            let configuration = CNNAnalyzer.Configuration(model: model, precision: recipe.precision,
                                                          tileSize: recipe.tileSize, threads: 1)
            // Built once here so that a model without int8 weights fails before decoding.
            _ = try CNNAnalyzer(configuration: configuration)
            analyzerFactory = recipe.method.makeFactory(cnn: configuration)
        } catch {
            throw MediaError.invalidOption("cannot use the model: \(error)")
        }
    }

    /// The same analysis on other input options and worker count (a batch's next clip): the
    /// new recipe is validated, the loaded model shared, nothing read again. Throws
    /// `MediaError.invalidOption` for a value out of range.
    public func reading(_ input: VideoSourceOptions, workers: Int) throws -> AnalysisRun {
        var recipe = self.recipe
        recipe.input = input
        recipe.workers = workers
        try recipe.validate()
        return AnalysisRun(recipe: recipe, analyzerFactory: analyzerFactory)
    }

    private init(recipe: AnalysisRecipe, analyzerFactory: @escaping AnalyzerFactory) {
        self.recipe = recipe
        self.analyzerFactory = analyzerFactory
    }

    /// Opens the recipe's input. `copyAudio`: an output muxes the input's audio; `interrupt` can
    /// end the opening itself early.
    public func openSource(copyAudio: Bool = false, interrupt: InputInterrupt = InputInterrupt()) throws -> VideoSource {
        var options = recipe.input
        options.copyAudio = copyAudio
        return try VideoSource(options: options, interrupt: interrupt)
    }

    /// A pipeline over an opened `source`, writing to `sinks`. `frames` reads the source through
    /// a wrapper (the daemon's monitoring), `wrapAnalyzer` decorates each analyzer (its timing)
    /// and `onDrop` hears of each drop as it happens (`AnalysisPipeline.init`); all default to none.
    public func makePipeline(source: VideoSource, frames: FrameSource? = nil, sinks: [FrameSink],
                             wrapAnalyzer: (@Sendable (FrameAnalyzer) -> FrameAnalyzer)? = nil,
                             onDrop: (@Sendable (Int) -> Void)? = nil) -> AnalysisPipeline {
        var analyzers = analyzerFactory
        if let wrapAnalyzer {
            let factory = analyzerFactory
            analyzers = { wrapAnalyzer(try factory()) }
        }
        return AnalysisPipeline(source: frames ?? source, analyzerFactory: analyzers, sinks: sinks,
                                options: recipe.pipelineOptions(isLive: source.info.isLive), onDrop: onDrop)
    }
}
