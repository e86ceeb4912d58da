import BlurdCore

/// Failures writing an output. Exit code 8, like the media layer's encode/output errors.
public enum OutputError: BlurdError, Equatable {
    case cannotOpen(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var exitCode: Int32 { 8 }

    /// An output that cannot be opened or written fails the same way on the next connection.
    public var isRetryable: Bool { false }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open output \(path): \(reason)"
        case .writeFailed(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}
