import BlurdCore

/// Failures making soft-shot reports. Bad criteria are usage errors (exit code 2); an unreadable
/// or malformed score log is an input error (exit code 7, like a failed read).
public enum ReportError: BlurdError, Equatable {
    case invalidCriteria(String)
    case unreadableLog(path: String, reason: String)
    case malformedLog(path: String, line: Int, reason: String)
    case malformedCSV(line: Int, reason: String)

    public var exitCode: Int32 {
        switch self {
        case .invalidCriteria: return 2
        case .unreadableLog, .malformedLog, .malformedCSV: return 7
        }
    }

    /// Bad criteria or a bad log stay bad when read again.
    public var isRetryable: Bool { false }

    public var description: String {
        switch self {
        case .invalidCriteria(let message): return "invalid report settings: \(message)"
        case .unreadableLog(let path, let reason): return "cannot read \(path): \(reason)"
        case .malformedLog(let path, let line, let reason): return "\(path) line \(line): \(reason)"
        case .malformedCSV(let line, let reason): return "CSV line \(line): \(reason)"
        }
    }
}
