/// How a triage run ended.
public struct TriageOutcome: Sendable {
    /// The exit code of a run in which at least one clip failed (could not be opened or decoded);
    /// distinct from every `blurd analyze` code.
    public static let clipsFailedExitCode: Int32 = 9
    /// The exit code of an incomplete result: a shard stopped (SIGINT/SIGTERM) before every clip
    /// of it was tried, so that a Kubernetes Job runs its index again instead of counting it
    /// complete; or a `--report-only` that lists missing clips.
    public static let incompleteExitCode: Int32 = 10

    /// What ran.
    public enum Kind: Sendable, Equatable {
        /// The whole library in one process (no `--shard`).
        case whole
        /// One shard of the library (`--shard I/N`).
        case shard
        /// `--report-only`: the reports rebuilt from DIR.
        case report
    }

    public var kind: Kind
    /// Every file's row, sorted by clip name.
    public var reports: [ClipReport]
    public var totals: TriageSummary.Totals
    /// True when a stop request ended the run early.
    public var interrupted: Bool

    public init(kind: Kind, reports: [ClipReport], totals: TriageSummary.Totals, interrupted: Bool) {
        self.kind = kind
        self.reports = reports
        self.totals = totals
        self.interrupted = interrupted
    }

    /// A whole run: 9 when a clip failed, else 0 (partial and skipped files included, and after
    /// a stop). A shard: 10 when stopped with clips left, else 0 even with failed clips (they are
    /// recorded; a rerun cannot mend them, and `--report-only` reports them with 9). A report:
    /// 10 when a clip is missing, else 9 when one failed, else 0.
    public var exitCode: Int32 {
        switch kind {
        case .whole:
            return totals.failed > 0 ? Self.clipsFailedExitCode : 0
        case .shard:
            return interrupted && totals.pending > 0 ? Self.incompleteExitCode : 0
        case .report:
            if totals.missing > 0 { return Self.incompleteExitCode }
            return totals.failed > 0 ? Self.clipsFailedExitCode : 0
        }
    }
}
