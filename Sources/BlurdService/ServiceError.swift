import BlurdCore

/// Failures of the daemon itself (configuration, systemd notification, HTTP listener), as
/// opposed to a stream's media errors, which the supervisor retries.
public enum ServiceError: BlurdError, Equatable {
    /// The configuration file is missing, unreadable, not YAML, or fails validation.
    case config(String)
    /// `$NOTIFY_SOCKET` is malformed or the datagram could not be sent.
    case notify(String)
    /// The monitoring listen address is malformed.
    case listenAddress(String)
    /// `--shard` or `BLURD_SHARD` is not I/N with 0 ≤ I < N ≤ 1000.
    case shard(String)
    /// On shutdown, some stream had not drained within `shutdown_timeout_s`.
    case shutdownTimeout(seconds: Double)

    /// A bad config file, listen address or `$NOTIFY_SOCKET` is a bad config value; streams
    /// that did not drain left their outputs unfinished.
    public var exitCode: Int32 {
        switch self {
        case .config, .listenAddress, .notify, .shard: return 2
        case .shutdownTimeout: return 8
        }
    }

    /// The daemon's own failures: none belongs to one stream, so none is a stream's to retry.
    public var isRetryable: Bool { false }

    public var description: String {
        switch self {
        case .config(let message): return "config: \(message)"
        case .notify(let message): return "systemd notify: \(message)"
        case .listenAddress(let message): return "http listen address: \(message)"
        case .shard(let message): return "shard: \(message)"
        case .shutdownTimeout(let seconds): return "streams did not drain within shutdown_timeout_s (\(seconds) s)"
        }
    }
}
