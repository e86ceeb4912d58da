import Foundation
import Logging
import Prometheus

/// The supervised streams of the configuration in force, and how a new configuration replaces
/// it: unchanged streams keep running, removed ones stop, new and changed ones (re)start.
/// The streams' baselines are kept in the starting configuration's `state_dir`, if any.
public final class StreamFleet: @unchecked Sendable {
    private let registry: PrometheusCollectorRegistry
    private let baselines: BaselineStore?
    private let logger: Logger
    private let lock = NSLock()
    private var config: ServiceConfig
    private var supervisors: [String: StreamSupervisor] = [:]
    private var metrics: [String: StreamMetrics] = [:]
    /// Set by `stopAll`: a reload still in flight must not start streams after it.
    private var stopping = false

    public init(config: ServiceConfig, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.config = config
        self.registry = registry
        self.logger = logger
        baselines = config.stateDirectory.map { BaselineStore(directory: $0, logger: logger) }
    }

    /// The configuration in force.
    public var current: ServiceConfig { lock.withLock { config } }

    /// Starts every configured stream.
    public func start() {
        lock.withLock {
            for stream in config.streams { launch(stream) }
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
        let (kept, retiring, timeout): ([StreamSupervisor], [(StreamSupervisor, replaced: Bool)], Double) = lock.withLock {
            guard !stopping else { return ([], [], 0) }
            let wanted = Dictionary(uniqueKeysWithValues: newConfig.streams.map { ($0.name, $0) })
            var kept: [StreamSupervisor] = []
            var retiring: [(StreamSupervisor, replaced: Bool)] = []
            for stream in config.streams {
                guard let supervisor = supervisors[stream.name] else { continue }
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
                supervisors[stream.name] = nil
                retiring.append((supervisor, replaced: wanted[stream.name] != nil))
            }
            changes.added = newConfig.streams.map(\.name).filter { name in
                !config.streams.contains { $0.name == name }
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
        lock.withLock {
            guard !stopping else { return }
            for name in changes.removed {
                metrics.removeValue(forKey: name)?.unregister()
            }
            config = newConfig
            for stream in newConfig.streams where supervisors[stream.name] == nil { launch(stream) }
        }
        return changes
    }

    /// Stops every stream and waits for them to drain and flush, until `deadline`; true if all did.
    public func stopAll(deadline: Date) -> Bool {
        let all = lock.withLock {
            stopping = true
            return Array(supervisors.values)
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
        let entries = lock.withLock { config.streams.compactMap { stream in supervisors[stream.name].map { ($0, stream) } } }
        return entries.map { supervisor, stream in (supervisor.status, stream.reconnect) }
    }

    /// Must hold `lock`.
    private func launch(_ stream: StreamConfig) {
        let streamMetrics = metrics[stream.name] ?? StreamMetrics(stream: stream.name, registry: registry)
        metrics[stream.name] = streamMetrics
        let supervisor = StreamSupervisor(config: stream, metrics: streamMetrics, baselines: baselines, logger: logger)
        supervisors[stream.name] = supervisor
        supervisor.start()
    }
}
