import BlurdAnalysis
import BlurdCore
import BlurdOutput
import BlurdPipeline
import Foundation
import Logging
import Prometheus
import Synchronization

/// Publishes the streams over MQTT (docs/SERVICE.md, "MQTT and Home Assistant"): every event
/// line, with a per-stream sequence number, on `PREFIX/events`; each stream's retained state,
/// score and last problem snapshot; Home Assistant discovery; and `stream_offline` /
/// `stream_online` events for streams away longer than their `timeout_s`. It takes relearn
/// commands from `PREFIX/STREAM/relearn`.
///
/// The streams' sinks call it on their writer threads; it only updates records and queues
/// messages there. Its own thread ticks every second: availability of streams, state and score
/// (so each is published on change and at most once a second), and the JPEG snapshots. The
/// broker is reached through `MQTTConnection`, which never makes anyone wait.
/// Present even without an `mqtt` block, so that a reload can add one. Sharded, it publishes
/// only the streams its shard owns (docs/SERVICE.md, "Sharding").
final class MQTTBridge: StreamListener, Sendable {
    /// What the bridge knows of one stream.
    private struct Record {
        /// ok, focus_lost or no_texture, from the last frame's monitor.
        var condition: String?
        var score: Double?
        var blurredFraction: Double?
        var baseline: Double?
        /// The day/night mode, `colour` or `ir`.
        var mode: String?
        /// Away longer than its timeout_s (reconnecting), stopped or failed.
        var offline = false
        /// The state last published and since when it holds.
        var publishedState: String?
        var since = Date()
        var statePayload: String?
        var scorePayload: String?
        /// The frame of the last focus_lost / no_texture event, not yet encoded.
        var pendingSnapshot: (luma: GrayImage, analysis: FrameAnalysis, time: Date)?
        /// The last snapshot's JPEG, published again by a replaced connection.
        var snapshot: [UInt8]?
    }

    private struct State {
        var config: MQTTConfig?
        var topics: MQTTTopics?
        var connection: MQTTConnection?
        /// The streams this shard owns.
        var streams: [StreamConfig] = []
        /// Every stream of the configuration file, this shard's or another's.
        var configured: Set<String> = []
        var records: [String: Record] = [:]
        /// Per-stream sequence numbers of events, kept for the life of the process.
        var sequence: [String: Int] = [:]
        var stopping = false
        /// Set by `beginShutdown`: streams stopped by the shutdown are not "offline".
        var shuttingDown = false
    }

    private let registry: PrometheusCollectorRegistry
    /// This instance's shard; its index is `%s` in `client_id` (0 unsharded).
    private let shard: StreamShard
    private let logger: Logger
    private let state: Mutex<State>
    private let wake = NSCondition()
    private let fleet = Mutex<StreamFleet?>(nil)
    private let metrics: Mutex<MQTTMetrics?> = Mutex(nil)
    /// Names this run of blurd in event payloads: a consumer dedupes on (stream, run, seq).
    let run: String

    init(registry: PrometheusCollectorRegistry, shard: StreamShard = .whole, logger: Logger) {
        self.registry = registry
        self.shard = shard
        self.logger = logger
        state = Mutex(State())
        run = Self.timestamp(Date())
    }

    /// Connects the streams' fleet (for statuses and relearn commands), applies `config` and
    /// starts ticking.
    func start(fleet: StreamFleet, config: ServiceConfig) {
        self.fleet.withLock { $0 = fleet }
        apply(config)
        let thread = Thread { [self] in tickLoop() }
        thread.name = "blurd.mqtt.tick"
        thread.start()
    }

    /// Applies a (re)loaded configuration, the whole file (not only this shard's streams): a
    /// changed `mqtt` block replaces the connection (waiting events carry over), streams this
    /// shard now owns get their discovery, and streams removed from the file have their
    /// discovery and retained topics cleared (`retired`).
    func apply(_ config: ServiceConfig) {
        let (old, changed) = state.withLock { state -> (MQTTConnection?, Bool) in
            guard config.mqtt != state.config else { return (nil, false) }
            let old = state.connection
            state.connection = nil
            return (old, true)
        }
        var carried: [MQTTOutbox.Message] = []
        if let old {
            logger.notice("MQTT: the mqtt block changed; reconnecting with the new settings")
            carried = old.stop(deadline: Date().addingTimeInterval(5))
        }
        state.withLock { state in
            let owned = shard.owned(config).streams
            let (removed, released) = Self.retired(previouslyOwned: state.streams.map(\.name), config: config, shard: shard)
            for name in removed + released { state.records[name] = nil }
            state.streams = owned
            state.configured = Set(config.streams.map(\.name))
            for stream in owned where state.records[stream.name] == nil { state.records[stream.name] = Record() }
            if changed {
                state.config = config.mqtt
                state.topics = nil
                if let mqtt = config.mqtt { start(mqtt, carrying: carried, in: &state) }
            }
            if let connection = state.connection, let topics = state.topics {
                for name in removed { clear(stream: name, topics: topics, connection: connection, config: state.config) }
            }
            if let connection = state.connection, let topics = state.topics, let prefix = state.config?.discoveryPrefix {
                for stream in owned {
                    for message in HomeAssistantDiscovery.messages(stream: stream.name, topics: topics, discoveryPrefix: prefix) {
                        connection.publish(retained: message.topic, payload: Array(message.payload.utf8))
                    }
                }
            }
        }
        wake.withLock { wake.signal() }
    }

    /// The streams this shard owned that a new `config` takes from it: `removed`, gone from the
    /// file, whose retained topics and discovery the bridge clears; and `released`, still in the
    /// file but now owned by another shard, which it only forgets: the new owner announces them,
    /// and clearing would erase that announcement if it came first. Judged on the whole file, so
    /// a stream is cleared by its owner alone.
    static func retired(previouslyOwned: [String], config: ServiceConfig, shard: StreamShard)
        -> (removed: [String], released: [String]) {
        let configured = Set(config.streams.map(\.name))
        let removed = previouslyOwned.filter { !configured.contains($0) }
        let released = previouslyOwned.filter { configured.contains($0) && !shard.owns($0) }
        return (removed, released)
    }

    /// Makes the connection of `mqtt`; its records' retained values are published afresh.
    private func start(_ mqtt: MQTTConfig, carrying events: [MQTTOutbox.Message], in state: inout State) {
        let endpoint: MQTTConfig.Endpoint
        do {
            endpoint = try mqtt.endpoint()
        } catch {
            logger.error("MQTT: \(error)")
            return
        }
        let metrics = self.metrics.withLock { metrics in
            if let existing = metrics { return existing }
            let created = MQTTMetrics(registry: registry)
            metrics = created
            return created
        }
        let topics = MQTTTopics(prefix: mqtt.topicPrefix, instance: mqtt.expandedClientID(shard: shard.index))
        let settings = MQTTConnection.Settings(
            endpoint: endpoint, clientID: topics.instance, username: mqtt.username, password: mqtt.password,
            caFile: mqtt.caFile, certFile: mqtt.certFile, keyFile: mqtt.keyFile, keepaliveSeconds: mqtt.keepaliveSeconds,
            reconnect: ReconnectPolicy(initialSeconds: mqtt.reconnectInitialSeconds, maxSeconds: mqtt.reconnectMaxSeconds),
            availabilityTopic: topics.availability, subscriptions: [topics.commands])
        let connection = MQTTConnection(settings: settings, events: events, metrics: metrics, logger: logger) {
            [weak self] topic, payload in self?.command(topic: topic, payload: payload)
        }
        for name in Array(state.records.keys) {
            state.records[name]?.statePayload = nil
            state.records[name]?.scorePayload = nil
            if let snapshot = state.records[name]?.snapshot {
                connection.publish(retained: topics.snapshot(name), payload: snapshot)
            }
        }
        state.topics = topics
        state.connection = connection
        let discovery = mqtt.discoveryPrefix.map { "Home Assistant discovery under \($0)/" } ?? "no discovery"
        logger.notice("MQTT: publishing to \(endpoint) as \(topics.instance) under \(topics.prefix)/, \(discovery)")
        connection.start()
    }

    /// Clears a removed stream's retained topics (state, score, snapshot, discovery).
    private func clear(stream: String, topics: MQTTTopics, connection: MQTTConnection, config: MQTTConfig?) {
        var cleared = [topics.state(stream), topics.score(stream), topics.snapshot(stream)]
        if let prefix = config?.discoveryPrefix {
            cleared += HomeAssistantDiscovery.topics(stream: stream, topics: topics, discoveryPrefix: prefix)
        }
        for topic in cleared { connection.publish(retained: topic, payload: []) }
    }

    /// Called before the streams are stopped for shutdown: they are not "offline" then.
    func beginShutdown() {
        state.withLock { $0.shuttingDown = true }
    }

    /// Publishes what is still waiting, `offline` on the availability topic, and disconnects,
    /// waiting until `deadline` at most.
    func stop(deadline: Date) {
        let connection = state.withLock { state in
            state.stopping = true
            return state.connection
        }
        wake.withLock { wake.signal() }
        guard let connection else { return }
        // The last events of the drained streams go out first, while the deadline allows.
        while connection.isConnected, connection.waiting > 0, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        _ = connection.stop(deadline: deadline)
    }

    // MARK: StreamListener (the streams' writer threads)

    func observed(stream: String, frame: FrameResult, monitor: FocusMonitor) {
        state.withLock { state in
            guard state.connection != nil, var record = state.records[stream] else { return }
            record.condition = monitor.textureLost ? "no_texture" : monitor.inFocus ? "ok" : "focus_lost"
            record.score = monitor.smoothedScore
            if let fraction = frame.analysis.blurredFraction { record.blurredFraction = fraction }
            record.baseline = monitor.baseline
            record.mode = monitor.mode.rawValue
            state.records[stream] = record
        }
    }

    func raised(stream: String, event: FocusEvent, line: String, frame: FrameResult?) {
        let snapshotWanted = state.withLock { state -> Bool in
            guard state.connection != nil else { return false }
            publish(event: line, of: stream, in: &state)
            guard let frame, event.kind == .focusLost || event.kind == .noTexture else { return false }
            state.records[stream]?.pendingSnapshot = (frame.luma, frame.analysis, Date())
            return true
        }
        if snapshotWanted { wake.withLock { wake.signal() } }
    }

    /// Queues an event line (a JSON object) with the stream, sequence number, run and time.
    private func publish(event line: String, of stream: String, in state: inout State) {
        guard let connection = state.connection, let topics = state.topics else { return }
        let sequence = (state.sequence[stream] ?? 0) + 1
        state.sequence[stream] = sequence
        var body = Substring(line)
        while body.last?.isNewline ?? false { body.removeLast() }
        let payload = "{\"stream\":\(JSONText.string(stream)),\"seq\":\(sequence),\"run\":\"\(run)\","
            + "\"time\":\"\(Self.timestamp(Date()))\",\"instance\":\(JSONText.string(topics.instance)),"
            + body.dropFirst()
        connection.publish(event: topics.events, payload: Array(payload.utf8))
    }

    // MARK: Commands (the connection's thread)

    private func command(topic: String, payload: [UInt8]) {
        guard let stream = state.withLock({ $0.topics?.relearnStream(of: topic) }) else { return }
        let (owned, configured) = state.withLock { state in
            (state.streams.contains { $0.name == stream }, state.configured.contains(stream))
        }
        // Every shard subscribes to every stream's command topic; the owner alone acts.
        if !owned, configured { return }
        guard owned, let fleet = fleet.withLock({ $0 }) else {
            logger.warning("MQTT: relearn command for unknown stream '\(stream)' ignored")
            return
        }
        if !fleet.relearnBaseline(of: stream) {
            logger.warning("MQTT: relearn command for stream '\(stream)', which is not running, ignored")
        }
    }

    // MARK: The tick thread

    private func tickLoop() {
        while true {
            wake.withLock { _ = wake.wait(until: Date().addingTimeInterval(1)) }
            if state.withLock({ $0.stopping }) { return }
            tick()
        }
    }

    /// Stream availability (and its events), state and score, then snapshots.
    private func tick(now: Date = Date()) {
        guard state.withLock({ $0.connection != nil }) else { return }
        let statuses = fleet.withLock { $0 }?.statuses.map(\.status) ?? []
        let snapshots = state.withLock { state -> [(String, GrayImage, FrameAnalysis, Date)] in
            guard let connection = state.connection, let topics = state.topics else { return [] }
            let clock = ContinuousClock.now
            var snapshots: [(String, GrayImage, FrameAnalysis, Date)] = []
            for stream in state.streams {
                guard var record = state.records[stream.name] else { continue }
                if let status = statuses.first(where: { $0.name == stream.name }), !state.shuttingDown {
                    updateAvailability(&record, status: status, timeout: stream.timeoutSeconds, clock: clock,
                                       stream: stream.name, state: &state)
                }
                if let pending = record.pendingSnapshot {
                    snapshots.append((stream.name, pending.luma, pending.analysis, pending.time))
                    record.pendingSnapshot = nil
                }
                let current = record.offline ? "offline" : record.condition
                if let current {
                    if current != record.publishedState {
                        record.publishedState = current
                        record.since = now
                    }
                    let payload = "{\"state\":\"\(current)\",\"score\":\(JSONText.number(record.score, decimals: 2)),"
                        + "\"blurred_fraction\":\(JSONText.number(record.blurredFraction, decimals: 2)),"
                        + "\"baseline\":\(JSONText.number(record.baseline, decimals: 3)),"
                        + (record.mode.map { "\"mode\":\"\($0)\"," } ?? "")
                        + "\"since\":\"\(Self.timestamp(record.since))\"}"
                    if payload != record.statePayload {
                        record.statePayload = payload
                        connection.publish(retained: topics.state(stream.name), payload: Array(payload.utf8))
                    }
                }
                if let score = record.score {
                    let payload = JSONText.number(score, decimals: 2)
                    if payload != record.scorePayload {
                        record.scorePayload = payload
                        connection.publish(retained: topics.score(stream.name), payload: Array(payload.utf8))
                    }
                }
                state.records[stream.name] = record
            }
            return snapshots
        }
        for (stream, luma, analysis, time) in snapshots {
            let jpeg: [UInt8]
            do {
                jpeg = try ProblemSnapshot.jpeg(luma: luma, analysis: analysis, at: time)
            } catch {
                logger.warning("MQTT: cannot make the snapshot of stream \(stream): \(error)")
                continue
            }
            state.withLock { state in
                guard state.records[stream] != nil, let connection = state.connection, let topics = state.topics else { return }
                state.records[stream]?.snapshot = jpeg
                connection.publish(retained: topics.snapshot(stream), payload: jpeg)
            }
        }
    }

    /// Offline: reconnecting (or starting) for longer than `timeout` seconds, stopped or
    /// failed. Raises stream_offline on the way there and stream_online on the way back.
    private func updateAvailability(_ record: inout Record, status: StreamStatus, timeout: Double,
                                    clock: ContinuousClock.Instant, stream: String, state: inout State) {
        let offline: Bool
        switch status.state {
        case .running: offline = false
        case .stopped, .failed: offline = true
        case .starting, .reconnecting:
            let away = clock - (status.downSince ?? status.since)
            offline = away > .milliseconds(Int64(min(timeout, 86_400) * 1000))
        }
        guard offline != record.offline else { return }
        record.offline = offline
        let reason = status.reason.map { ",\"reason\":\(JSONText.string($0))" } ?? ""
        let kind = offline ? "stream_offline" : "stream_online"
        let line = "{\"event\":\"\(kind)\",\"state\":\"\(status.state.rawValue)\"\(reason)}"
        if offline {
            logger.warning("\(kind): \(status.state.rawValue)\(status.reason.map { " (\($0))" } ?? "")",
                           metadata: ["stream": .string(stream)])
        } else {
            logger.notice("\(kind)", metadata: ["stream": .string(stream)])
        }
        publish(event: line, of: stream, in: &state)
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
