import BlurdCore

/// Why the robustness set cannot be read or scored.
public enum RobustnessError: BlurdError {
    /// cases.csv or a file it names is missing or malformed.
    case manifest(String)
    /// A clip could not be scored (decode failure, mask size, frame count).
    case evaluation(String)

    /// A set that cannot be read or a clip that cannot be scored: a failure to read the input.
    public var exitCode: Int32 { 7 }

    /// No stream meets it, and the same set fails the same way again.
    public var isRetryable: Bool { false }

    public var description: String {
        switch self {
        case .manifest(let message): return "robustness set: \(message)"
        case .evaluation(let message): return "robustness evaluation: \(message)"
        }
    }
}
