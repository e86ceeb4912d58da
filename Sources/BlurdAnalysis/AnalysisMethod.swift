import BlurdSegmenter

/// The analyzers `blurd analyze --method` can run. Adding a method is one case here and one
/// branch in `makeFactory`.
public enum AnalysisMethod: String, Sendable, CaseIterable {
    /// `CNNAnalyzer`: the blur-segmentation net behind the texture gate, calibrated score.
    case cnn
    /// `ClassicAnalyzer`: fine/coarse gradient energy ratio per cell.
    case classic

    /// A factory making one analyzer per pipeline worker. `cnn` runs `configuration`, or the
    /// model built into blurd at int8 when it is nil; `classic` ignores it.
    public func makeFactory(cnn configuration: CNNAnalyzer.Configuration? = nil) -> AnalyzerFactory {
        switch self {
        case .cnn:
            return { try CNNAnalyzer(configuration: configuration ?? CNNAnalyzer.Configuration(model: DefaultModel.load())) }
        case .classic: return { ClassicAnalyzer() }
        }
    }
}
