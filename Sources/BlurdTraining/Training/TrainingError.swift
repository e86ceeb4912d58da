import BlurdCore

/// Why training, a checkpoint or an export failed.
public enum TrainingError: BlurdError {
    case configuration(String)
    case checkpoint(String)
    case data(String)
    case diverged(String)

    /// A bad setting is a bad option; a checkpoint or data that cannot be used, or a run that
    /// diverged, is a failure after the inputs opened.
    public var exitCode: Int32 {
        switch self {
        case .configuration: return 2
        case .checkpoint, .data, .diverged: return 7
        }
    }

    /// No stream meets it, and a stream's supervisor could not repair a run or its files.
    public var isRetryable: Bool { false }

    public var description: String {
        switch self {
        case .configuration(let message): return "training configuration: \(message)"
        case .checkpoint(let message): return "checkpoint: \(message)"
        case .data(let message): return "training data: \(message)"
        case .diverged(let message): return "training diverged: \(message)"
        }
    }
}
