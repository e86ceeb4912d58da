/// The analyzers `blurd analyze --method` can run. Adding a method is one case here and one
/// branch in `makeFactory`.
public enum AnalysisMethod: String, Sendable, CaseIterable {
    /// `ClassicAnalyzer`: fine/coarse gradient energy ratio per cell.
    case classic

    /// A factory making one analyzer per pipeline worker.
    public func makeFactory() -> AnalyzerFactory {
        switch self {
        case .classic: return { ClassicAnalyzer() }
        }
    }
}
