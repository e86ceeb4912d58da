import BlurdPipeline
import BlurdSegmenter

/// The settings a clip's result depends on, recorded in its sidecar: a rerun with other
/// settings redoes the clip. Workers, decoder threads and timeouts change how fast, not what,
/// and are left out.
public struct TriageSettings: Codable, Sendable, Equatable {
    public var method: String
    /// The CRC-32 stored at the end of the model file (`ModelFile.storedChecksum`): it names the
    /// exact weights. Nil for methods without a model.
    public var modelChecksum: UInt32?
    public var precision: String?
    public var tileSize: Int?
    /// Analysis long side; nil = full resolution.
    public var size: Int?
    public var every: Int
    public var fps: Double?
    public var keyframesOnly: Bool
    public var start: Double?
    public var duration: Double?

    /// The settings of `recipe`, with the checksum of its model. Throws when the model file
    /// cannot be read (`AnalysisRun` would have refused it first).
    public init(recipe: AnalysisRecipe) throws {
        method = recipe.method.rawValue
        if recipe.method == .cnn {
            let model: ModelFile
            switch recipe.model {
            case .builtIn: model = try DefaultModel.load()
            case .file(let path): model = try ModelFile.read(contentsOf: path)
            }
            modelChecksum = model.storedChecksum
            precision = recipe.precision.rawValue
            tileSize = recipe.tileSize
        }
        size = recipe.input.analysisLongSide
        every = recipe.input.every
        fps = recipe.input.fps
        keyframesOnly = recipe.input.keyframesOnly
        start = recipe.input.start
        duration = recipe.input.duration
    }

    enum CodingKeys: String, CodingKey {
        case method, precision, size, every, fps, start, duration
        case modelChecksum = "model_crc32", tileSize = "tile_size", keyframesOnly = "keyframes_only"
    }
}
