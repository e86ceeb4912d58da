import Foundation
import Logging
import Prometheus
import Synchronization

/// The supervised streams of the configuration in force, and how a new configuration replaces
/// it: unchanged streams keep running, removed ones stop, new and changed ones (re)start.
/// The streams' baselines are kept in the starting configuration's `state_dir`, if any.
public final class StreamFleet: Sendable {
    private struct State {
        var config: ServiceConfig
        var supervisors: [String: StreamSupervisor] = [:]
        var metrics: [String: StreamMetrics] = [:]
        /// Set by `stopAll`: a reload still in flight must not start streams after it.
        var stopping = false
    }

    private let registry: PrometheusCollectorRegistry
    private let baselines: BaselineStore?
    private let listener: StreamListener?
    private let logger: Logger
    private let state: Mutex<State>

    public convenience init(config: ServiceConfig, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.init(config: config, registry: registry, listener: nil, logger: logger)
    }

    /// `listener`: told of every stream's frames and events (the MQTT bridge).
    init(config: ServiceConfig, registry: PrometheusCollectorRegistry, listener: StreamListener?, logger: Logger) {
        state = Mutex(State(config: config))
        self.registry = registry
        self.listener = listener
        self.logger = logger
        baselines = config.stateDirectory.map { BaselineStore(directory: $0, logger: logger) }
    }

    /// The configuration in force.
    public var current: ServiceConfig { state.withLock { $0.config } }

    /// Starts every configured stream.
    public func start() {
        state.withLock { state in
            for stream in state.config.streams { launch(stream, in: &state) }
        }
    }

    /// What a reload did, by stream name.
    public struct ReloadChanges: Equatable, Sendable {
        public var added: [String] = []
        public var restarted: [String] = []
        public var removed: [String] = []
        public var unchanged: [String] = []
    }

    /// Switches to `newConfig`. Streams that stop (removed or changed) get the shutdown timeout
    /// to drain before their replacements start; unchanged ones whose baseline entry an
    /// operator deleted learn their baseline again.
    @discardableResult
    public func apply(_ newConfig: ServiceConfig) -> ReloadChanges {
        var changes = ReloadChanges()
        let (kept, retiring, timeout): ([StreamSupervisor], [(StreamSupervisor, replaced: Bool)], Double) = state.withLock { state in
            guard !state.stopping else { return ([], [], 0) }
            let wanted = Dictionary(uniqueKeysWithValues: newConfig.streams.map { ($0.name, $0) })
            var kept: [StreamSupervisor] = []
            var retiring: [(StreamSupervisor, replaced: Bool)] = []
            for stream in state.config.streams {
                guard let supervisor = state.supervisors[stream.name] else { continue }
                if let replacement = wanted[stream.name] {
                    if replacement == stream {
                        changes.unchanged.append(stream.name)
                        kept.append(supervisor)
                        continue
                    }
                    changes.restarted.append(stream.name)
                } else {
                    changes.removed.append(stream.name)
                }
                state.supervisors[stream.name] = nil
                retiring.append((supervisor, replaced: wanted[stream.name] != nil))
            }
            changes.added = newConfig.streams.map(\.name).filter { name in
                !state.config.streams.contains { $0.name == name }
            }
            return (kept, retiring, newConfig.shutdownTimeoutSeconds)
        }
        for supervisor in kept { supervisor.relearnIfBaselineDeleted() }
        for (supervisor, replaced) in retiring { supervisor.stop(replaced: replaced) }
        let deadline = Date().addingTimeInterval(timeout)
        for (supervisor, _) in retiring where !supervisor.waitUntilQuiet(deadline: deadline) {
            logger.error("stream did not drain within the shutdown timeout; starting its replacement anyway",
                         metadata: ["stream": .string(supervisor.config.name)])
        }
        state.withLock { state in
            guard !state.stopping else { return }
            for name in changes.removed {
                state.metrics.removeValue(forKey: name)?.unregister()
            }
            state.config = newConfig
            for stream in newConfig.streams where state.supervisors[stream.name] == nil { launch(stream, in: &state) }
        }
        return changes
    }

    /// Stops every stream and waits for them to drain and flush, until `deadline`; true if all did.
    public func stopAll(deadline: Date) -> Bool {
        let all = state.withLock { state in
            state.stopping = true
            return Array(state.supervisors.values)
        }
        for supervisor in all { supervisor.stop() }
        var quiet = true
        for supervisor in all where !supervisor.waitUntilQuiet(deadline: deadline) {
            logger.error("stream did not drain before the shutdown deadline",
                         metadata: ["stream": .string(supervisor.config.name)])
            quiet = false
        }
        return quiet
    }

    /// Each stream's status, in configuration order, with its reconnect budget.
    public var statuses: [(status: StreamStatus, reconnect: ReconnectPolicy)] {
        let entries = state.withLock { state in
            state.config.streams.compactMap { stream in state.supervisors[stream.name].map { ($0, stream) } }
        }
        return entries.map { supervisor, stream in (supervisor.status, stream.reconnect) }
    }

    /// Relearns the baseline of the stream named `name`; false when there is no such running stream.
    func relearnBaseline(of name: String) -> Bool {
        state.withLock { $0.supervisors[name] }?.relearnBaseline() ?? false
    }

    /// Called with `state` locked.
    private func launch(_ stream: StreamConfig, in state: inout State) {
        let streamMetrics = state.metrics[stream.name] ?? StreamMetrics(stream: stream.name, registry: registry)
        state.metrics[stream.name] = streamMetrics
        let supervisor = StreamSupervisor(config: stream, metrics: streamMetrics, baselines: baselines,
                                          listener: listener, logger: logger)
        state.supervisors[stream.name] = supervisor
        supervisor.start()
    }
}
