/// What waits to be published while the broker is away or busy: a bounded FIFO of events
/// (QoS 1, not retained, delivered in order) and the latest payload of every retained topic,
/// which a new connection publishes again in full. A pure value; `MQTTConnection` guards it.
struct MQTTOutbox {
    /// One message to publish.
    struct Message: Equatable {
        var topic: String
        var payload: [UInt8]
        var retain: Bool
    }

    /// Events beyond this many waiting push out the oldest, which are counted as dropped.
    let eventLimit: Int
    private var events: [Message] = []
    /// Index of the oldest waiting event in `events` (a ring without reallocation churn).
    private var head = 0
    /// The latest payload per retained topic; an empty payload clears the topic at the broker
    /// and is forgotten once published.
    private var retained: [String: [UInt8]] = [:]
    /// Retained topics to publish, in the order they were last set.
    private var dirty: [String] = []
    /// Events pushed out by newer ones since the start.
    private(set) var dropped = 0

    init(eventLimit: Int) {
        self.eventLimit = eventLimit
    }

    /// Events waiting.
    var eventCount: Int { events.count - head }

    /// Queues an event; when `eventLimit` are already waiting, the oldest is dropped.
    mutating func enqueue(event: Message) {
        if eventCount >= eventLimit {
            head += 1
            dropped += 1
        }
        events.append(event)
        if head > 1024 && head * 2 > events.count {
            events.removeFirst(head)
            head = 0
        }
    }

    /// Puts back an event taken by `next()` that could not be handed over, ahead of the rest.
    mutating func enqueueFront(event: Message) {
        if head > 0 {
            head -= 1
            events[head] = event
        } else {
            events.insert(event, at: 0)
        }
    }

    /// Sets the latest payload of a retained topic (empty: clear it at the broker).
    mutating func retain(topic: String, payload: [UInt8]) {
        if retained[topic] == payload, !dirty.contains(topic) { return }
        retained[topic] = payload
        dirty.removeAll { $0 == topic }
        dirty.append(topic)
    }

    /// Marks every retained topic for publishing again: a new connection's broker may have
    /// lost them.
    mutating func republishRetained() {
        dirty = retained.keys.sorted()
    }

    /// The next message to hand to the broker, retained topics first (their latest values);
    /// nil when nothing waits.
    mutating func next() -> Message? {
        if !dirty.isEmpty {
            let topic = dirty.removeFirst()
            let payload = retained[topic] ?? []
            if payload.isEmpty { retained[topic] = nil }
            return Message(topic: topic, payload: payload, retain: true)
        }
        guard head < events.count else { return nil }
        let message = events[head]
        head += 1
        if head == events.count {
            events.removeAll(keepingCapacity: true)
            head = 0
        }
        return message
    }

    /// Messages waiting: events and retained topics not yet published.
    var count: Int { eventCount + dirty.count }

    /// The waiting events, oldest first: what a replaced connection hands to its successor.
    var waitingEvents: [Message] { Array(events[head...]) }
}
