/// Failures of photo loading and sample synthesis.
public enum SynthesisError: Error, CustomStringConvertible, Equatable {
    case invalidConfiguration(String)
    case missingSplitList(String)
    case emptyLibrary(String)
    case photoTooSmall(name: String, width: Int, height: Int, needed: Int)

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
