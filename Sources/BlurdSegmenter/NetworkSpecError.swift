/// A `NetworkSpec` that cannot be built: the message names the layer and what is wrong.
public struct NetworkSpecError: Error, CustomStringConvertible, Equatable {
    public let layer: Int
    public let reason: String

    public init(layer: Int, _ reason: String) {
        self.layer = layer
        self.reason = reason
    }

    public var description: String { "network spec layer \(layer): \(reason)" }
}
