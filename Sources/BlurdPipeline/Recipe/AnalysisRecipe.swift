import BlurdAnalysis
import BlurdCore
import BlurdMedia
import BlurdSegmenter

/// How a run analyses its input, whichever command asked for it: `blurd analyze` builds one from
/// its options, `blurd serve` from each stream's config. The defaults and ranges live here and in
/// `VideoSourceOptions`, once; `AnalysisRun` turns a recipe into running parts.
public struct AnalysisRecipe: Sendable, Equatable {
    /// Where the model of method cnn comes from.
    public enum ModelSource: Sendable, Equatable {
        /// The model built into blurd.
        case builtIn
        /// A model file.
        case file(String)
    }

    /// What to open and which frames to deliver: URL, format, sampling, analysis size, timeout.
    public var input: VideoSourceOptions
    public var method: AnalysisMethod = .cnn
    public var model: ModelSource = .builtIn
    public var precision: Segmenter.Precision = .int8
    /// Tile core side of method cnn, in pixels (bounds memory per worker).
    public var tileSize: Int = Segmenter.defaultTileSize
    /// Analysis workers, each with its own analyzer.
    public var workers: Int = 1
    /// Ring buffer slots; nil = `PipelineOptions`' default for `workers`.
    public var ringCapacity: Int?
    /// What to do when analysis falls behind; nil = decided by the opened input (drop-oldest
    /// for a live input, block for a file).
    public var dropPolicy: DropPolicy?

    public init(input: VideoSourceOptions) {
        self.input = input
    }

    /// The smallest tile core side: the net's receptive field needs at least this much context.
    public static let minimumTileSize = 16
    /// `tileSize` in pixels: an 8192² tile's activations already take gigabytes per worker.
    public static let tileSizeRange = ValueRange<Int>(minimumTileSize...8192)
    /// `workers`: each holds its own analyzer and frames, so more than the largest machines'
    /// cores only costs memory.
    public static let workersRange = ValueRange<Int>(1...256)
    /// `ringCapacity` in frames: each slot holds a decoded frame, 4096 of them gigabytes at 1080p.
    public static let ringCapacityRange = ValueRange<Int>(1...4096)

    /// Throws `MediaError.invalidOption` for the first value out of range.
    public func validate() throws {
        try input.validate()
        let problem = Self.workersRange.problem("workers", workers)
            ?? ringCapacity.flatMap { Self.ringCapacityRange.problem("ring capacity", $0) }
            ?? Self.tileSizeRange.problem("tile size", tileSize)
        if let problem { throw MediaError.invalidOption(problem) }
    }

    /// The pipeline's options for an opened input: the recipe's drop policy, or the input's own
    /// answer to whether it is live (the opened format decides, so FIFOs and devices count).
    public func pipelineOptions(isLive: Bool) -> PipelineOptions {
        PipelineOptions(workers: workers, ringCapacity: ringCapacity, dropPolicy: dropPolicy ?? (isLive ? .dropOldest : .block))
    }
}
