import BlurdCore

/// A `NetworkSpec` that cannot be built: the message names the layer and what is wrong.
public struct NetworkSpecError: BlurdError, Equatable {
    public let layer: Int
    public let reason: String

    public init(layer: Int, _ reason: String) {
        self.layer = layer
        self.reason = reason
    }

    public var description: String { "network spec layer \(layer): \(reason)" }

    /// The model's network cannot be built: a model unusable as an option or config value.
    public var exitCode: Int32 { 2 }

    /// A stream's model is loaded and checked before its first connection, which fails the
    /// stream outright; met during a connection, it is retried like any analyzer failure.
    public var isRetryable: Bool { true }
}
