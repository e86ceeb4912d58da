import BlurdOutput
import BlurdPipeline
import Foundation

/// Everything a triage run is asked to do.
public struct TriageOptions: Sendable {
    /// Files, folders (searched recursively) and globs.
    public var paths: [String]
    /// DIR: results, sidecars and summaries (see `TriageLayout`).
    public var outputDirectory: String
    /// How every clip is analysed; its URL and workers are set per clip.
    public var recipe: AnalysisRecipe
    public var criteria: SoftShotCriteria
    /// Redo clips whose earlier result still matches.
    public var force = false
    /// Cores to keep busy.
    public var cores = ProcessInfo.processInfo.activeProcessorCount
    public var progress: ProgressMode = .none
    /// `--shard I/N`: only this shard's clips, no summaries (`--report-only` builds them), exit
    /// 10 when stopped with clips left. Nil: the whole library.
    public var shard: ShardSpec?

    public init(paths: [String], outputDirectory: String, recipe: AnalysisRecipe, criteria: SoftShotCriteria) {
        self.paths = paths
        self.outputDirectory = outputDirectory
        self.recipe = recipe
        self.criteria = criteria
    }
}
