#if canImport(Glibc)
import Glibc
#endif

/// How a long command (`blurd triage`, `blurd analyze`) shows its progress on standard error.
public enum ProgressMode: String, Sendable, CaseIterable {
    /// One live line redrawn in place, at most 4 times a second (a terminal).
    case live
    /// One JSON object a second (a supervisor, a log).
    case json
    /// Nothing until the final summary.
    case none

    /// `live` when standard error is a terminal, else `none`.
    public static func automatic() -> ProgressMode {
        isatty(2) != 0 ? .live : .none
    }
}
