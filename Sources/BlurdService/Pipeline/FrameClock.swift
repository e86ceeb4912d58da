import Synchronization

/// When each frame of one connection left the decoder, so its processing latency (decoded →
/// analysed → written by the sinks, queueing included) is known when the sink writes it.
final class FrameClock: Sendable {
    private let delivered = Mutex<[Int: ContinuousClock.Instant]>([:])

    /// Frames kept at most: while a stalled sink writes nothing the decoder may go on
    /// delivering (and the ring dropping) frames, which must not grow this without bound.
    private static let capacity = 4096

    func markDelivered(frame index: Int) {
        delivered.withLock { delivered in
            delivered[index] = .now
            if delivered.count > Self.capacity { delivered = delivered.filter { $0.key > index - Self.capacity / 2 } }
        }
    }

    /// The time since `index` was delivered; forgets it and every older frame (frames the ring
    /// dropped are never written).
    func latency(ofWritten index: Int) -> Duration? {
        delivered.withLock { delivered in
            let start = delivered[index]
            delivered = delivered.filter { $0.key > index }
            return start.map { ContinuousClock.now - $0 }
        }
    }
}
