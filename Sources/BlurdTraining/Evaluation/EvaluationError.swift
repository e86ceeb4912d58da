/// Why an evaluation could not run.
public enum EvaluationError: Error, CustomStringConvertible {
    case sizeMismatch(String)
    case dataset(String)
    case method(String)

    public var description: String {
        switch self {
        case .sizeMismatch(let message): return "size mismatch: \(message)"
        case .dataset(let message): return "dataset: \(message)"
        case .method(let message): return "method: \(message)"
        }
    }
}
