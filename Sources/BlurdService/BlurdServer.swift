import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// `blurd serve`: the streams of a configuration file, supervised, with the monitoring HTTP
/// endpoint, systemd notification, SIGHUP reload and SIGTERM drain.
public final class BlurdServer: Sendable {
    private let configPath: String
    private let environment: [String: String]
    private let config: ServiceConfig
    private let shard: StreamShard
    private let notifier: SystemdNotifier?
    private let logger: Logger

    /// Loads and validates the configuration; throws `ServiceError` with a clear message.
    /// `shard`: this instance runs only the streams it owns (docs/SERVICE.md, "Sharding").
    public init(configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                shard: StreamShard = .whole, logger: Logger) throws {
        self.configPath = configPath
        self.shard = shard
        self.environment = environment
        self.config = try ServiceConfig.load(path: configPath, environment: environment)
        self.notifier = try SystemdNotifier(environment: environment)
        self.logger = logger
    }

    /// What `--check` finds beyond the config's values (`ServiceConfig.runtimeProblems()`).
    public func checkProblems() -> [String] { config.runtimeProblems() }

    /// Runs until SIGTERM or SIGINT, then drains; throws if the listen address does not
    /// resolve, the HTTP listener fails or the streams do not drain within the shutdown timeout.
    public func run() async throws {
        // Before any stream starts, and as one line: the listener's own error for this is a
        // raw `SocketAddressError.UnknownHost(...)` dump.
        if let problem = config.listen.resolutionProblem() { throw ServiceError.listenAddress(problem) }
        // A consumer closing standard output must surface as a write error, not kill the daemon.
        signal(SIGPIPE, SIG_IGN)
        let registry = PrometheusCollectorRegistry()
        let shard = self.shard
        let owned = shard.owned(config)
        let shardMetrics = ShardMetrics(shard: shard, registry: registry)
        shardMetrics.record(ownedStreams: owned.streams.count)
        let liveness = Liveness()
        let mqtt = MQTTBridge(registry: registry, shard: shard, logger: logger)
        let fleet = StreamFleet(config: owned, registry: registry, listener: mqtt, logger: logger)
        let notifier = self.notifier, logger = self.logger, listen = config.listen
        var httpLogger = logger
        httpLogger.logLevel = max(logger.logLevel, .warning)
        let http = MonitoringServer.application(fleet: fleet, shard: shard, liveness: liveness, registry: registry,
                                                listen: listen, logger: httpLogger) {
            logger.notice("monitoring on http://\(listen)/metrics, /healthz and /livez")
            let status = FleetHealth.statusLine(fleet.statuses.map(\.status))
            do {
                try notifier?.notify("READY=1\n" + SystemdNotifier.statusAssignment(status))
            } catch {
                logger.error("\(error)")
            }
        }
        let control = FleetService(fleet: fleet, configPath: configPath, environment: environment, notifier: notifier,
                                   mqtt: mqtt, shard: shard, shardMetrics: shardMetrics, liveness: liveness,
                                   logger: logger)
        let kept = config.stateDirectory.map { "; baselines kept in \($0)" } ?? "; baselines not kept (no state_dir)"
        let sharded = shard.count > 1 ? " (shard \(shard) of the \(config.streams.count) configured)" : ""
        logger.notice("starting \(owned.streams.count) stream(s)\(sharded) from \(configPath)\(kept)")
        mqtt.start(fleet: fleet, config: config)
        fleet.start()
        // Graceful shutdown runs in reverse order: the streams drain first, then HTTP stops,
        // so /metrics stays up while they flush.
        let group = ServiceGroup(configuration: .init(
            services: [http, control], gracefulShutdownSignals: [.sigterm, .sigint], logger: httpLogger))
        try await group.run()
    }
}
