/// Why training, a checkpoint or an export failed.
public enum TrainingError: Error, CustomStringConvertible {
    case configuration(String)
    case checkpoint(String)
    case data(String)
    case diverged(String)

    public var description: String {
        switch self {
        case .configuration(let message): return "training configuration: \(message)"
        case .checkpoint(let message): return "checkpoint: \(message)"
        case .data(let message): return "training data: \(message)"
        case .diverged(let message): return "training diverged: \(message)"
        }
    }
}
