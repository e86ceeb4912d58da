import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The daemon's control loop as a ServiceLifecycle service: reloads the configuration on
/// SIGHUP, sends STATUS= and (while every pipeline makes progress) WATCHDOG=1, and on graceful
/// shutdown (SIGTERM/SIGINT) stops the streams and waits for them to drain and flush.
final class FleetService: Service, Sendable {
    /// What the last report sent; the reporting task uses it, and the rare sends of reloads and
    /// shutdown note their failures in it.
    private struct Reported {
        var status = ""
        var watchdogWithheld = false
        /// A notification could not be sent; logged once until one goes through again.
        var notifyFailing = false
    }

    private let fleet: StreamFleet
    private let configPath: String
    private let environment: [String: String]
    private let notifier: SystemdNotifier?
    private let mqtt: MQTTBridge?
    private let shard: StreamShard
    private let shardMetrics: ShardMetrics?
    private let liveness: Liveness?
    private let logger: Logger
    private let reported = Mutex(Reported())

    /// `mqtt`: told of reloads, and stopped after the streams drained. `shard`: the streams of
    /// each reloaded config that the fleet runs (counted in `shardMetrics`). `liveness`: told
    /// of every report.
    init(fleet: StreamFleet, configPath: String, environment: [String: String], notifier: SystemdNotifier?,
         mqtt: MQTTBridge? = nil, shard: StreamShard = .whole, shardMetrics: ShardMetrics? = nil,
         liveness: Liveness? = nil, logger: Logger) {
        self.fleet = fleet
        self.mqtt = mqtt
        self.shard = shard
        self.shardMetrics = shardMetrics
        self.liveness = liveness
        self.configPath = configPath
        self.environment = environment
        self.notifier = notifier
        self.logger = logger
    }

    func run() async throws {
        // Each tick sends STATUS= changes and the watchdog ping: at least every second, and at
        // least twice per watchdog interval, as sd_watchdog_enabled(3) advises.
        let tick: Duration = notifier?.watchdogInterval.map { min($0 / 2, .seconds(1)) } ?? .seconds(1)
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try? await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in hangups { await offloaded { self.reload() } }
                }
                group.addTask {
                    while true {
                        self.report()
                        try await Task.sleep(for: tick)
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
        send("STOPPING=1\nSTATUS=stopping: draining streams")
        let timeout = fleet.current.shutdownTimeoutSeconds
        logger.notice("shutting down: stopping the streams, \(timeout) s to drain and flush")
        let fleet = self.fleet, mqtt = self.mqtt
        mqtt?.beginShutdown()
        let drained = await offloaded {
            let deadline = Date().addingTimeInterval(timeout)
            let drained = fleet.stopAll(deadline: deadline)
            // The drained streams' last events, then `offline`: within the same deadline.
            mqtt?.stop(deadline: max(deadline, Date().addingTimeInterval(1)))
            return drained
        }
        guard drained else {
            throw ServiceError.shutdownTimeout(seconds: timeout)
        }
        logger.notice("all streams stopped and flushed")
    }

    /// Reads the configuration file again and applies it; a bad file changes nothing.
    private func reload() {
        logger.notice("SIGHUP: reloading \(configPath)")
        let config: ServiceConfig
        do {
            config = try ServiceConfig.load(path: configPath, environment: environment)
        } catch {
            logger.error("reload rejected, keeping the configuration in force: \(error)")
            send(SystemdNotifier.statusAssignment("reload rejected: \(error)", limit: 200))
            return
        }
        if config.listen != fleet.current.listen {
            logger.warning("http.listen changed to \(config.listen); the listener moves only on restart")
        }
        if config.stateDirectory != fleet.current.stateDirectory {
            logger.warning("state_dir changed to \(config.stateDirectory ?? "none"); the baselines move only on restart")
        }
        let owned = shard.owned(config)
        let changes = fleet.apply(owned)
        shardMetrics?.record(ownedStreams: owned.streams.count)
        // The whole file: the bridge judges which streams were removed on it, not on this shard's.
        mqtt?.apply(config)
        logger.notice("reloaded", metadata: [
            "added": "\(changes.added)", "restarted": "\(changes.restarted)",
            "removed": "\(changes.removed)", "unchanged": "\(changes.unchanged)",
        ])
    }

    /// Sends STATUS= when it changed, and WATCHDOG=1 when every running pipeline progressed;
    /// tells `liveness` that the loop runs and which pipelines hang.
    private func report() {
        let statuses = fleet.statuses.map(\.status)
        if let liveness {
            let timeouts = Dictionary(fleet.current.streams.map { ($0.name, $0.timeoutSeconds) }, uniquingKeysWith: { a, _ in a })
            liveness.reported(stalled: Liveness.stalled(statuses, timeouts: timeouts))
        }
        let status = SystemdNotifier.statusAssignment(FleetHealth.statusLine(statuses))
        let message = reported.withLock { reported in
            var message: [String] = []
            if status != reported.status {
                reported.status = status
                message.append(status)
            }
            if let interval = notifier?.watchdogInterval {
                if FleetHealth.pipelinesAlive(statuses, interval: interval) {
                    message.append("WATCHDOG=1")
                    reported.watchdogWithheld = false
                } else if !reported.watchdogWithheld {
                    reported.watchdogWithheld = true
                    let stalled = statuses.filter { $0.state == .running && ContinuousClock.now - $0.lastProgress > interval }
                    logger.critical("withholding the watchdog ping: no progress from \(stalled.map(\.name))")
                }
            }
            return message
        }
        if !message.isEmpty, !send(message.joined(separator: "\n")) {
            // Not delivered: send the status again with the next tick.
            reported.withLock { $0.status = "" }
        }
    }

    /// Sends to systemd; false when the message was not delivered. A failure is logged once
    /// until a message goes through again, since the report loop retries every tick.
    @discardableResult
    private func send(_ message: String) -> Bool {
        guard let notifier else { return true }
        do {
            try notifier.notify(message)
            let recovered = reported.withLock { reported in
                defer { reported.notifyFailing = false }
                return reported.notifyFailing
            }
            if recovered { logger.notice("systemd notifications go through again") }
            return true
        } catch {
            let first = reported.withLock { reported in
                defer { reported.notifyFailing = true }
                return !reported.notifyFailing
            }
            if first { logger.error("\(error); retrying with every report") }
            return false
        }
    }
}

/// Runs blocking work (waiting for pipelines to drain) on its own thread, keeping Swift
/// concurrency's few cooperative threads free for the HTTP server.
func offloaded<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
