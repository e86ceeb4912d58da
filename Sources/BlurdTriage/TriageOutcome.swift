/// How a triage run ended.
public struct TriageOutcome: Sendable {
    /// The exit code of a run in which at least one clip failed (could not be opened or decoded);
    /// distinct from every `blurd analyze` code.
    public static let clipsFailedExitCode: Int32 = 9

    /// Every file's row, sorted by clip name.
    public var reports: [ClipReport]
    public var totals: TriageSummary.Totals
    /// True when a stop request ended the run early.
    public var interrupted: Bool

    /// 0 when no clip failed (partial and skipped files included, and after a stop), else 9.
    public var exitCode: Int32 { totals.failed > 0 ? Self.clipsFailedExitCode : 0 }
}
