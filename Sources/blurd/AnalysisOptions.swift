import ArgumentParser
import BlurdAnalysis
import BlurdMedia
import BlurdPipeline
import BlurdSegmenter
import Foundation

/// How frames are judged and which frames are: the options `blurd analyze` and `blurd triage`
/// share, so both build their `AnalysisRecipe` one way. Their defaults are analyze's; a command
/// that wants others (triage's sampling) applies them to the recipe, visibly in its own code.
struct AnalysisOptions: ParsableArguments {
    @Option(help: "Analysis method: \(AnalysisMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
    var method: String = AnalysisMethod.cnn.rawValue

    @Option(help: "Model file for --method cnn (default: the model built into blurd).")
    var model: String?

    @Option(help: "Arithmetic of --method cnn: int8 or fp32.")
    var precision: String = "int8"

    // The numeric options parse unconditionally, so that a negative value (`--start -5`) meets
    // its range check instead of being read as an option name ("Missing value").
    @Option(parsing: .unconditional, help: "Tile side in pixels for --method cnn (bounds memory per worker).")
    var tileSize: Int = Segmenter.defaultTileSize

    @Option(parsing: .unconditional, help: "Analysis size: long side in pixels (frames are never upscaled).")
    var size: Int = VideoSourceOptions.defaultAnalysisLongSide

    @Flag(help: "Analyse at the stream's full resolution (overrides --size).")
    var fullResolution = false

    @Option(parsing: .unconditional, help: "Start at this many seconds.")
    var start: Double?

    @Option(parsing: .unconditional, help: "Stop after this many seconds.")
    var duration: Double?

    @Option(parsing: .unconditional, help: "Analyse every Nth frame.")
    var every: Int = 1

    @Option(parsing: .unconditional, help: "Analyse at most this many frames per second.")
    var fps: Double?

    @Flag(help: "Decode key frames only (cheap monitoring of many streams).")
    var keyframesOnly = false

    @Option(parsing: .unconditional, help: "Seconds an input may block (opening, or a live stream or pipe sending nothing) before the run ends.")
    var timeout: Double = VideoSourceOptions(url: "").timeoutSeconds

    /// Whether any option chooses which frames are analysed (so a command's own sampling
    /// default must not apply).
    var choosesSampling: Bool { fps != nil || every != 1 || keyframesOnly }

    /// The recipe for `url` from these options (workers, ring and drop policy left at the
    /// recipe's defaults, for the command to set); throws `MediaError.invalidOption` for a bad
    /// name.
    func makeRecipe(url: String) throws -> AnalysisRecipe {
        var input = VideoSourceOptions(url: url)
        input.analysisLongSide = fullResolution ? nil : size
        input.start = start
        input.duration = duration
        input.every = every
        input.fps = fps
        input.keyframesOnly = keyframesOnly
        input.timeoutSeconds = timeout
        var recipe = AnalysisRecipe(input: input)
        guard let method = AnalysisMethod(rawValue: method) else {
            throw MediaError.invalidOption("unknown method '\(self.method)'")
        }
        recipe.method = method
        guard let precision = Segmenter.Precision(rawValue: precision) else {
            throw MediaError.invalidOption("unknown precision '\(self.precision)' (int8 or fp32)")
        }
        recipe.precision = precision
        recipe.model = model.map { .file($0) } ?? .builtIn
        recipe.tileSize = tileSize
        return recipe
    }
}
