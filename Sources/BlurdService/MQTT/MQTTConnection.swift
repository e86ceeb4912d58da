import BlurdCore
import CMosquitto
import Foundation
import Logging
import Synchronization

/// One MQTT client session through libmosquitto, run on its own thread so that nothing else
/// ever waits for the broker: callers only put messages into the `MQTTOutbox` under a lock.
///
/// The thread connects (clean_session false, so the broker keeps the session and libmosquitto
/// resends unacknowledged QoS 1 messages after a reconnect), runs libmosquitto's loop, and
/// hands the outbox's messages over while connected, at most `inflightLimit` unacknowledged at
/// a time, so the bound of the outbox is the bound of what is held. A lost or refused
/// connection is retried after a capped exponential backoff; each distinct failure is logged
/// once until a connection is accepted again. Every libmosquitto call happens on the thread.
// Unchecked: `handle` and the `loop*` fields are used only on the connection's thread (and by
// libmosquitto's callbacks, which run on it); the rest is `let` or inside a Mutex.
final class MQTTConnection: @unchecked Sendable {
    /// What a connection needs besides the outbox.
    struct Settings: Sendable {
        var endpoint: MQTTConfig.Endpoint
        var clientID: String
        var username: String?
        var password: StreamPassword?
        var caFile: String?
        var certFile: String?
        var keyFile: String?
        var keepaliveSeconds: Int
        var reconnect: ReconnectPolicy
        /// Its last will: `offline` (retained), published by the broker when the connection dies.
        var availabilityTopic: String
        /// Topic filters subscribed to (QoS 0, so no command waits for a blurd that is down).
        var subscriptions: [String]
    }

    private struct Shared {
        var outbox: MQTTOutbox
        var connected = false
        var stopRequested = false
    }

    let settings: Settings
    private let metrics: MQTTMetrics
    private let logger: Logger
    private let onMessage: @Sendable (String, [UInt8]) -> Void
    private let shared: Mutex<Shared>
    private let finished = DispatchSemaphore(value: 0)
    private let startOnce = Mutex(false)

    // The thread's own state.
    private var handle: OpaquePointer?
    /// Message ids handed to libmosquitto and not yet acknowledged.
    private var loopInflight = Set<Int32>()
    /// The broker's CONNACK code of the last attempt (0 = accepted), nil before one arrived.
    private var loopConnack: Int32?
    /// The last failure logged; cleared by an accepted connection.
    private var loopLastFailure: String?
    /// When the broker last acknowledged a message or accepted the session.
    private var loopLastAcknowledgement = ContinuousClock.now
    /// libmosquitto's own last error message of this attempt (OpenSSL's reason for a TLS failure).
    private var loopLibraryError: String?

    /// Unacknowledged QoS 1 messages handed to libmosquitto at most: beyond that they wait in
    /// the outbox, where the limit and the drop counter apply.
    static let inflightLimit = 20
    /// Events waiting beyond this push out the oldest.
    static let eventLimit = 1000

    /// `events`: events a predecessor left waiting (a reload that changed the `mqtt` block).
    init(settings: Settings, events: [MQTTOutbox.Message] = [], metrics: MQTTMetrics, logger: Logger,
         onMessage: @escaping @Sendable (String, [UInt8]) -> Void) {
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.onMessage = onMessage
        var outbox = MQTTOutbox(eventLimit: Self.eventLimit)
        for event in events { outbox.enqueue(event: event) }
        shared = Mutex(Shared(outbox: outbox))
    }

    /// Starts the connection's thread.
    func start() {
        let first = startOnce.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        let thread = Thread { [self] in run() }
        thread.name = "blurd.mqtt"
        thread.start()
    }

    /// Queues an event (QoS 1, not retained); never blocks.
    func publish(event topic: String, payload: [UInt8]) {
        let (waiting, dropped) = shared.withLock { shared in
            let before = shared.outbox.dropped
            shared.outbox.enqueue(event: .init(topic: topic, payload: payload, retain: false))
            return (shared.outbox.count, shared.outbox.dropped - before)
        }
        if dropped > 0 { metrics.dropped.increment(by: Int64(dropped)) }
        metrics.queued.set(to: Double(waiting + inflightCount))
    }

    /// Sets a retained topic's payload (empty: clears it at the broker); never blocks.
    func publish(retained topic: String, payload: [UInt8]) {
        let waiting = shared.withLock { shared in
            shared.outbox.retain(topic: topic, payload: payload)
            return shared.outbox.count
        }
        metrics.queued.set(to: Double(waiting + inflightCount))
    }

    var isConnected: Bool { shared.withLock { $0.connected } }

    /// Messages waiting for the broker or its acknowledgement.
    var waiting: Int { shared.withLock { $0.outbox.count } + inflightCount }

    /// Publishes `offline` on the availability topic, disconnects and ends the thread, waiting
    /// until `deadline` at most; returns the events still waiting, for a successor.
    func stop(deadline: Date) -> [MQTTOutbox.Message] {
        let started = startOnce.withLock { $0 }
        shared.withLock { $0.stopRequested = true }
        if started { _ = finished.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) }
        return shared.withLock { $0.outbox.waitingEvents }
    }

    private var inflightCount: Int { inflightMirror.withLock { $0 } }
    /// `loopInflight.count`, readable from other threads for the queued gauge.
    private let inflightMirror = Mutex(0)

    // MARK: The connection's thread

    private func run() {
        defer { finished.signal() }
        _ = Self.initialiseLibrary
        guard let handle = mosquitto_new(settings.clientID, false, Unmanaged.passUnretained(self).toOpaque()) else {
            logger.error("MQTT: libmosquitto could not create a client (out of memory); nothing is published")
            return
        }
        self.handle = handle
        defer {
            mosquitto_destroy(handle)
            self.handle = nil
        }
        if let problem = configure(handle) {
            logger.error("MQTT: \(problem); nothing is published until the configuration is fixed and reloaded")
            while !stopRequested { Thread.sleep(forTimeInterval: 0.2) }
            return
        }
        var attempt = 0
        var initialised = false
        while !stopRequested {
            loopConnack = nil
            loopLibraryError = nil
            // mosquitto_connect sets the broker's address; later attempts reuse it.
            var status = initialised ? mosquitto_reconnect(handle) : mosquitto_connect(
                handle, settings.endpoint.host, Int32(settings.endpoint.port), Int32(settings.keepaliveSeconds))
            if status == MOSQ_ERR_INVAL.rawValue && initialised {
                status = mosquitto_connect(handle, settings.endpoint.host, Int32(settings.endpoint.port),
                                           Int32(settings.keepaliveSeconds))
            }
            initialised = true
            if status == MOSQ_ERR_SUCCESS.rawValue {
                status = serve(handle)
                if stopRequested { break }
            }
            if loopConnack == 0 { attempt = 0 }
            let delay = settings.reconnect.delay(attempt: attempt, unit: Double.random(in: 0..<1))
            attempt += 1
            reportFailure(status: status, retryIn: delay)
            wait(seconds: delay)
        }
        disconnectGracefully(handle)
    }

    /// Runs libmosquitto's loop on an open socket until it fails or a stop is requested; hands
    /// the outbox's messages over once the broker accepted the session.
    private func serve(_ handle: OpaquePointer) -> Int32 {
        while !stopRequested {
            if loopConnack == 0 {
                abandonStalledMessages()
                pump(handle)
            }
            let status = mosquitto_loop(handle, 100, 1)
            guard status == MOSQ_ERR_SUCCESS.rawValue else {
                setConnected(false)
                return status
            }
        }
        return MOSQ_ERR_SUCCESS.rawValue
    }

    /// A broker that accepted the session but acknowledges nothing for twice the keep-alive
    /// interval (30 s at least) would hold the outbox back for good: the unacknowledged
    /// messages are left to libmosquitto (which still resends them) and no longer counted.
    private func abandonStalledMessages() {
        guard !loopInflight.isEmpty else { return }
        let limit = Duration.seconds(max(30, 2 * settings.keepaliveSeconds))
        guard ContinuousClock.now - loopLastAcknowledgement > limit else { return }
        logger.warning("MQTT: \(loopInflight.count) message(s) unacknowledged by \(settings.endpoint) for \(limit); not waiting for them any longer")
        loopInflight.removeAll()
        loopLastAcknowledgement = .now
        updateQueuedGauge()
    }

    /// Hands waiting messages to libmosquitto while fewer than `inflightLimit` are unacknowledged.
    private func pump(_ handle: OpaquePointer) {
        while loopInflight.count < Self.inflightLimit {
            guard let message = shared.withLock({ $0.outbox.next() }) else { break }
            var id: Int32 = 0
            let status = message.payload.withUnsafeBytes { bytes in
                mosquitto_publish(handle, &id, message.topic, Int32(bytes.count), bytes.baseAddress, 1, message.retain)
            }
            if status == MOSQ_ERR_SUCCESS.rawValue {
                // The wait for an acknowledgement starts with the first message outstanding.
                if loopInflight.isEmpty { loopLastAcknowledgement = .now }
                loopInflight.insert(id)
            } else if status == MOSQ_ERR_NO_CONN.rawValue || status == MOSQ_ERR_CONN_LOST.rawValue {
                // Put it back: it goes out after the reconnect (as a retained topic or in order).
                shared.withLock { shared in
                    if message.retain {
                        shared.outbox.retain(topic: message.topic, payload: message.payload)
                    } else {
                        shared.outbox.enqueueFront(event: message)
                    }
                }
                break
            } else {
                logger.error("MQTT: cannot publish to \(message.topic): \(Self.describe(status)); message dropped")
                metrics.dropped.increment()
            }
        }
        updateQueuedGauge()
    }

    private func updateQueuedGauge() {
        inflightMirror.withLock { $0 = loopInflight.count }
        let waiting = shared.withLock { $0.outbox.count }
        metrics.queued.set(to: Double(waiting + loopInflight.count))
    }

    /// Sets the options that do not change between connections; a problem is returned as text.
    private func configure(_ handle: OpaquePointer) -> String? {
        mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311)
        mosquitto_connect_callback_set(handle) { _, context, code in
            MQTTConnection.from(context).connected(code: code)
        }
        mosquitto_publish_callback_set(handle) { _, context, id in
            MQTTConnection.from(context).acknowledged(id: id)
        }
        mosquitto_log_callback_set(handle) { _, context, level, text in
            guard level == MOSQ_LOG_ERR, let text else { return }
            MQTTConnection.from(context).loopLibraryError = String(cString: text)
        }
        mosquitto_message_callback_set(handle) { _, context, message in
            guard let message else { return }
            MQTTConnection.from(context).received(message.pointee)
        }
        if let username = settings.username {
            let status = mosquitto_username_pw_set(handle, username, settings.password?.value)
            guard status == MOSQ_ERR_SUCCESS.rawValue else { return "username: \(Self.describe(status))" }
        }
        let offline = Array("offline".utf8)
        let will = offline.withUnsafeBytes { bytes in
            mosquitto_will_set(handle, settings.availabilityTopic, Int32(bytes.count), bytes.baseAddress, 1, true)
        }
        guard will == MOSQ_ERR_SUCCESS.rawValue else { return "last will on \(settings.availabilityTopic): \(Self.describe(will))" }
        if settings.endpoint.tls {
            let status = mosquitto_tls_set(handle, settings.caFile, settings.caFile == nil ? "/etc/ssl/certs" : nil,
                                           settings.certFile, settings.keyFile, nil)
            guard status == MOSQ_ERR_SUCCESS.rawValue else { return "TLS set-up: \(Self.describe(status))" }
        }
        return nil
    }

    /// CONNACK: 0 accepted, else the broker's refusal.
    private func connected(code: Int32) {
        loopConnack = code
        guard code == 0, let handle else { return }
        loopLastAcknowledgement = .now
        for filter in settings.subscriptions {
            mosquitto_subscribe(handle, nil, filter, 0)
        }
        // The broker may have lost what it retained (a restart without persistence): all again.
        shared.withLock { $0.outbox.republishRetained() }
        // Availability first, so the entities the rest describes are available at once.
        publish(retained: settings.availabilityTopic, payload: Array("online".utf8))
        setConnected(true)
        if loopLastFailure != nil {
            logger.notice("MQTT: connected to \(settings.endpoint) again as \(settings.clientID)")
        } else {
            logger.notice("MQTT: connected to \(settings.endpoint) as \(settings.clientID)")
        }
        loopLastFailure = nil
    }

    private func acknowledged(id: Int32) {
        guard loopInflight.remove(id) != nil else { return }
        loopLastAcknowledgement = .now
        metrics.published.increment()
        updateQueuedGauge()
    }

    private func received(_ message: mosquitto_message) {
        guard let topic = message.topic.map({ String(cString: $0) }) else { return }
        let count = Int(max(0, message.payloadlen))
        let payload = message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
        onMessage(topic, payload)
    }

    private func setConnected(_ connected: Bool) {
        shared.withLock { $0.connected = connected }
        metrics.connected.set(to: connected ? 1 : 0)
    }

    /// Logs why the connection failed or was lost, once per distinct reason until a
    /// connection is accepted again.
    private func reportFailure(status: Int32, retryIn delay: Double) {
        let reason: String
        if let code = loopConnack, code != 0 {
            let hint = code == 4 || code == 5 ? " (check mqtt.username and mqtt.password_file)" : ""
            var refusal = String(cString: mosquitto_connack_string(code))
            while refusal.hasSuffix(".") { refusal.removeLast() }
            reason = "the broker at \(settings.endpoint) refused the connection: \(refusal)\(hint)"
        } else if loopConnack == 0 {
            reason = "lost the connection to \(settings.endpoint): \(Self.describe(status))"
        } else {
            reason = "cannot connect to \(settings.endpoint): \(Self.describe(status))"
                + (status == MOSQ_ERR_TLS.rawValue ? loopLibraryError.map { " (\($0))" } ?? "" : "")
        }
        guard reason != loopLastFailure else { return }
        loopLastFailure = reason
        let cap = String(format: "%g", settings.reconnect.maxSeconds)
        let message: Logger.Message = "MQTT: \(reason); retrying with backoff (at most every \(cap) s), analysis goes on"
        if loopConnack.map({ $0 != 0 }) ?? false { logger.error(message) } else { logger.warning(message) }
    }

    /// libmosquitto's text for a status; system errors (MOSQ_ERR_ERRNO) name errno's.
    private static func describe(_ status: Int32) -> String {
        if status == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)) }
        var text = String(cString: mosquitto_strerror(status))
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// On stop: `offline` on the availability topic and a clean disconnect (the broker then
    /// does not send the will), waiting briefly for the acknowledgement.
    private func disconnectGracefully(_ handle: OpaquePointer) {
        guard isConnected else { return }
        let offline = Array("offline".utf8)
        var id: Int32 = 0
        let status = offline.withUnsafeBytes { bytes in
            mosquitto_publish(handle, &id, settings.availabilityTopic, Int32(bytes.count), bytes.baseAddress, 1, true)
        }
        if status == MOSQ_ERR_SUCCESS.rawValue {
            loopInflight.insert(id)
            let deadline = Date().addingTimeInterval(2)
            while loopInflight.contains(id) && Date() < deadline {
                guard mosquitto_loop(handle, 100, 1) == MOSQ_ERR_SUCCESS.rawValue else { break }
            }
        }
        mosquitto_disconnect(handle)
        _ = mosquitto_loop(handle, 100, 1)
        setConnected(false)
    }

    private var stopRequested: Bool { shared.withLock { $0.stopRequested } }

    /// Waits `seconds`, or less if a stop is requested.
    private func wait(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !stopRequested && Date() < deadline {
            Thread.sleep(forTimeInterval: min(0.1, max(0, deadline.timeIntervalSinceNow)))
        }
    }

    private static func from(_ context: UnsafeMutableRawPointer?) -> MQTTConnection {
        Unmanaged<MQTTConnection>.fromOpaque(context!).takeUnretainedValue()
    }

    /// mosquitto_lib_init, once per process.
    private static let initialiseLibrary: Void = { _ = mosquitto_lib_init() }()
}
