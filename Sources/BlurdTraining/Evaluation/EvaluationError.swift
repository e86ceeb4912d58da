import BlurdCore

/// Why an evaluation could not run.
public enum EvaluationError: BlurdError {
    case sizeMismatch(String)
    case dataset(String)
    case method(String)

    /// Unusable images or masks are a failure to read the input; a method that cannot run
    /// (none selected, its model unusable) is a bad option.
    public var exitCode: Int32 {
        switch self {
        case .sizeMismatch, .dataset: return 7
        case .method: return 2
        }
    }

    /// No stream meets it, and running the same evaluation again fails the same way.
    public var isRetryable: Bool { false }

    public var description: String {
        switch self {
        case .sizeMismatch(let message): return "size mismatch: \(message)"
        case .dataset(let message): return "dataset: \(message)"
        case .method(let message): return "method: \(message)"
        }
    }
}
