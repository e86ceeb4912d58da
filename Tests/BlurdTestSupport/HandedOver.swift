/// A value that is not Sendable, carried into a closure that runs on another thread.
// Unchecked: tests use it only where their threads take turns with the value (one at a time,
// ordered by a wait), or call only methods documented as safe from any thread.
public struct HandedOver<Value>: @unchecked Sendable {
    public let value: Value

    public init(_ value: Value) { self.value = value }
}
