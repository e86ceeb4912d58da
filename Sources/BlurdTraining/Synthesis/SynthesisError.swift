import BlurdCore

/// Failures of photo loading and sample synthesis.
public enum SynthesisError: BlurdError, Equatable {
    case invalidConfiguration(String)
    case missingSplitList(String)
    case emptyLibrary(String)
    case photoTooSmall(name: String, width: Int, height: Int, needed: Int)

    /// A bad setting is a bad option, a missing split list a missing input file, and photos
    /// that cannot be used a failure to read the input.
    public var exitCode: Int32 {
        switch self {
        case .invalidConfiguration: return 2
        case .missingSplitList: return 3
        case .emptyLibrary, .photoTooSmall: return 7
        }
    }

    /// No stream meets it, and the same settings and photos fail the same way again.
    public var isRetryable: Bool { false }

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): return "invalid synthesis configuration: \(message)"
        case .missingSplitList(let path):
            return "photo split list \(path) is missing: run scripts/fetch-photos.sh, or, for photographs of your own, name them one per line in train-list.txt and val-list.txt beside them (docs/MODEL.md, \"Fine-tuning\")"
        case .emptyLibrary(let detail): return "no photos: \(detail)"
        case .photoTooSmall(let name, let w, let h, let needed):
            return "photo \(name) is \(w)×\(h); at least \(needed) px on each side are needed"
        }
    }
}
