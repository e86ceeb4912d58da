/// Why the robustness set cannot be read or scored.
public enum RobustnessError: Error, CustomStringConvertible {
    /// cases.csv or a file it names is missing or malformed.
    case manifest(String)
    /// A clip could not be scored (decode failure, mask size, frame count).
    case evaluation(String)

    public var description: String {
        switch self {
        case .manifest(let message): return "robustness set: \(message)"
        case .evaluation(let message): return "robustness evaluation: \(message)"
        }
    }
}
