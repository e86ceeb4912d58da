import BlurdMedia

/// Restores frame order after workers finish out of order, writes to the sinks, and only then
/// returns each frame's ring slot, so the pictures a sink sees are never overwritten under it.
///
/// A sequence can be at most `slotCount` ahead of the next one to write (every outstanding frame
/// holds a slot), so pending entries live in a fixed array indexed by `sequence % slotCount`.
// Unchecked: the sinks (not Sendable) and every `var` are used only while holding `lock`, so
// the workers that submit write to the sinks one at a time.
final class OrderedWriter: @unchecked Sendable {
    private struct Pending {
        var result: FrameResult?
        var slot: RingBuffer<FrameSlot>.Slot
    }

    private let sinks: [FrameSink]
    private let ring: RingBuffer<FrameSlot>
    private let lock = ConditionLock()
    private var pending: [Pending?]
    private var nextSequence = 0
    private var written = 0
    private var noTexture = 0
    private var sinkError: Error?

    init(sinks: [FrameSink], ring: RingBuffer<FrameSlot>) {
        self.sinks = sinks
        self.ring = ring
        self.pending = [Pending?](repeating: nil, count: ring.slotCount)
    }

    /// Hands over the frame with delivery `sequence`; `result` is nil when the frame was not
    /// analysed (its analyzer failed), which only advances the order.
    func submit(sequence: Int, result: consuming FrameResult?, slot: RingBuffer<FrameSlot>.Slot) {
        lock.lock()
        defer { lock.unlock() }
        let index = sequence % pending.count
        precondition(pending[index] == nil, "two outstanding frames share a reorder slot")
        pending[index] = Pending(result: result, slot: slot)
        while var entry = pending[nextSequence % pending.count] {
            pending[nextSequence % pending.count] = nil
            nextSequence += 1
            if var result = entry.result, sinkError == nil {
                result.framesDroppedSoFar = ring.counters.dropped
                do {
                    for sink in sinks { try sink.write(result) }
                    written += 1
                    if result.analysis.state == .noTexture { noTexture += 1 }
                } catch {
                    sinkError = error
                }
            }
            // Drop our reference to the pictures before the slot goes back, so the decoder refills
            // uniquely referenced storage in place instead of copying it.
            entry.result = nil
            ring.recycle(entry.slot)
        }
    }

    /// Frames written to every sink, and how many of them were `no_texture`.
    var counts: (written: Int, noTexture: Int) { lock.withLock { (written, noTexture) } }

    /// The first error a sink threw; no frame is written after it.
    var error: Error? { lock.withLock { sinkError } }
}
