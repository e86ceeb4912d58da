/// A bounded buffer of preallocated, reused slots between one producer and several consumers.
///
/// Every slot is created once in `init`; the producer fills a slot in place (`acquire`, write
/// `slot.element`, `publish`), a consumer takes it (`take`), reads it and hands it back
/// (`recycle`). In steady state nothing is allocated, so a `GrayImage` element keeps its pixel
/// storage from frame to frame.
///
/// A slot is owned by exactly one party at a time: the free list, the producer, the queue, or a
/// consumer. Consumers may hold slots for as long as they like (the pipeline keeps them until the
/// ordered sink has written the frame); the producer then waits even under `.dropOldest`, because
/// only queued, untaken items may be dropped.
///
/// Under `.dropOldest` the oldest queued item is dropped when a new one is *published*, not when
/// the producer asks for a slot: a slot the producer acquires and hands back unfilled (the input
/// ended, or a stop came) must not cost a real item, or every end of a live input would lose its
/// newest frame. For that the ring holds one slot more than the queue's capacity.
// Unchecked: every `var` is read and written only while holding `lock`, whose two conditions
// the producer and consumers wait on; elements are guarded by slot ownership (see `Slot`).
public final class RingBuffer<Element>: @unchecked Sendable {
    /// Storage for one item. Only its current owner may touch `element`.
    // Unchecked: by the protocol above a slot has exactly one owner at a time, and each handover
    // (acquire, publish, take, recycle) passes through `lock`, which orders the accesses.
    public final class Slot: @unchecked Sendable {
        public var element: Element
        fileprivate let index: Int

        fileprivate init(element: Element, index: Int) {
            self.element = element
            self.index = index
        }
    }

    /// An item handed to a consumer. `sequence` counts deliveries from 0 without gaps (dropped
    /// items never get one), so consumers can restore the order in which items were queued.
    public struct Delivery: Sendable {
        public let sequence: Int
        public let slot: Slot
    }

    /// Counts since creation. After `close()` and a full drain, `produced == delivered + dropped`.
    public struct Counters: Sendable, Equatable {
        public var produced = 0
        public var delivered = 0
        public var dropped = 0
        /// The most items ever queued at once (never above `capacity`).
        public var maxOccupancy = 0
    }

    /// Items the queue holds at most.
    public let capacity: Int
    /// Slots in all: `capacity`, plus the producer's spare under `.dropOldest`. Items handed to
    /// consumers and not yet recycled are at most this many.
    public let slotCount: Int
    public let policy: DropPolicy

    private let slots: [Slot]
    private let lock = ConditionLock()
    // Free slot indices used as a stack, and the FIFO of published indices as a circular array;
    // both are sized to `capacity` up front so no operation allocates.
    private var freeList: [Int]
    private var queue: [Int]
    private var queueHead = 0
    private var queueCount = 0
    private var closed = false
    private var counts = Counters()

    /// Creates `slotCount` slots, each holding `makeElement()`.
    public init(capacity: Int, policy: DropPolicy, makeElement: () throws -> Element) rethrows {
        precondition(capacity > 0, "ring buffer capacity must be positive")
        self.capacity = capacity
        self.slotCount = policy == .dropOldest ? capacity + 1 : capacity
        self.policy = policy
        var slots: [Slot] = []
        slots.reserveCapacity(slotCount)
        for index in 0..<slotCount {
            slots.append(Slot(element: try makeElement(), index: index))
        }
        self.slots = slots
        self.freeList = Array((0..<slotCount).reversed())
        self.queue = [Int](repeating: 0, count: capacity)
    }

    /// Producer: a slot to fill, or nil once the buffer is closed. Waits while no slot is free
    /// (under `.dropOldest` only while consumers hold every slot: `publish` keeps one free).
    public func acquire() -> Slot? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if closed { return nil }
            if let index = freeList.popLast() { return slots[index] }
            lock.wait(.notFull)
        }
    }

    /// Producer: queues a filled slot for the consumers. Under `.dropOldest`, when no slot would
    /// be left free for the next item, the oldest queued item is dropped first (counted). Returns
    /// the items dropped so far when this call dropped one, else nil.
    @discardableResult
    public func publish(_ slot: Slot) -> Int? {
        lock.withLock {
            var droppedSoFar: Int?
            if policy == .dropOldest, freeList.isEmpty, queueCount > 0 {
                freeList.append(popQueueHead())
                counts.dropped += 1
                droppedSoFar = counts.dropped
            }
            precondition(queueCount < capacity, "ring buffer queue overflow")
            queue[(queueHead + queueCount) % capacity] = slot.index
            queueCount += 1
            counts.produced += 1
            counts.maxOccupancy = max(counts.maxOccupancy, queueCount)
            lock.signal(.notEmpty)
            return droppedSoFar
        }
    }

    /// Consumer: the oldest queued item, waiting for one if needed; nil once the buffer is
    /// closed and empty.
    public func take() -> Delivery? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if queueCount > 0 {
                let index = popQueueHead()
                let sequence = counts.delivered
                counts.delivered += 1
                return Delivery(sequence: sequence, slot: slots[index])
            }
            if closed { return nil }
            lock.wait(.notEmpty)
        }
    }

    /// Returns a slot to the free list: a consumer is done with it, or the producer acquired it
    /// and has nothing to put in it.
    public func recycle(_ slot: Slot) {
        lock.withLock {
            freeList.append(slot.index)
            lock.signal(.notFull)
        }
    }

    /// No more items will be published: waiting consumers drain the queue then get nil, and
    /// `acquire` returns nil from now on.
    public func close() {
        lock.withLock {
            closed = true
            lock.broadcast(.notEmpty)
            lock.broadcast(.notFull)
        }
    }

    public var counters: Counters { lock.withLock { counts } }

    /// Items queued and not yet taken.
    public var occupancy: Int { lock.withLock { queueCount } }

    private func popQueueHead() -> Int {
        let index = queue[queueHead]
        queueHead = (queueHead + 1) % capacity
        queueCount -= 1
        return index
    }
}
