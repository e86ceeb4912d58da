/// What a full ring buffer does when the producer has a new item.
public enum DropPolicy: String, Sendable, CaseIterable {
    /// The producer waits for a free slot: nothing is lost (files).
    case block
    /// The oldest item not yet taken by a consumer is discarded and its slot reused, so latency
    /// stays bounded when analysis is slower than the source (live streams).
    case dropOldest = "drop-oldest"
}
