import BlurdCore

/// Errors that end a whole `blurd triage` run before or outside any one clip (a clip's own
/// failure is recorded in its row instead and never ends the batch).
public enum TriageError: BlurdError, Equatable {
    /// A PATH argument that is neither a file, a folder nor a glob matching anything.
    case pathNotFound(String)
    /// The output folder or a summary file cannot be written.
    case outputFailed(String)
    /// `--report-only DIR`: DIR holds no shard manifest (no triage ran there).
    case nothingToReport(String)
    /// `--report-only DIR`: a manifest is damaged, or the manifests of one split disagree on
    /// the settings (shards run with different options).
    case unusableManifests(String)

    /// 3 like a missing `analyze` input (and a DIR with nothing to report); 4 like an input that
    /// cannot be read; 8 like any output failure.
    public var exitCode: Int32 {
        switch self {
        case .pathNotFound, .nothingToReport: return 3
        case .unusableManifests: return 4
        case .outputFailed: return 8
        }
    }

    /// A batch is never retried as a whole.
    public var isRetryable: Bool { false }

    public var description: String {
        switch self {
        case .pathNotFound(let path): return "no such file, folder or matching glob: \(path)"
        case .outputFailed(let message): return "output failed: \(message)"
        case .nothingToReport(let directory): return "no shard manifest in \(directory)/shards: no triage has run there"
        case .unusableManifests(let message): return "cannot report: \(message)"
        }
    }
}
