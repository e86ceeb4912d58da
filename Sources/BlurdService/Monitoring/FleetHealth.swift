import Foundation

/// Verdicts over the streams' statuses: /healthz, the systemd watchdog, and the STATUS= line.
public enum FleetHealth {
    /// Healthy when every stream is running, or starting/reconnecting for no longer than its
    /// reconnect budget. The body lists every stream's state as JSON, and the `shard` ("I/N")
    /// whose streams these are.
    public static func evaluate(_ entries: [(status: StreamStatus, reconnect: ReconnectPolicy)],
                                shard: StreamShard = .whole,
                                now: ContinuousClock.Instant = .now) -> (healthy: Bool, json: String) {
        var healthy = true
        var streams: [[String: Any]] = []
        for (status, reconnect) in entries {
            let ok: Bool
            switch status.state {
            case .running: ok = true
            case .starting, .reconnecting:
                ok = seconds(now - (status.downSince ?? status.since)) <= reconnect.healthBudgetSeconds
            case .stopped, .failed: ok = false
            }
            healthy = healthy && ok
            var entry: [String: Any] = [
                "name": status.name, "state": status.state.rawValue, "healthy": ok,
                "seconds_in_state": (seconds(now - status.since) * 10).rounded() / 10,
            ]
            if let reason = status.reason { entry["reason"] = reason }
            streams.append(entry)
        }
        let body: [String: Any] = ["healthy": healthy, "shard": shard.description, "streams": streams]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return (healthy, String(decoding: data, as: UTF8.self))
    }

    /// True when every running stream's pipeline wrote a frame within `interval`: only then is
    /// WATCHDOG=1 sent, so systemd restarts a daemon with a stalled pipeline. Streams that are
    /// reconnecting are supervised by their own backoff, not by the watchdog.
    public static func pipelinesAlive(_ statuses: [StreamStatus], interval: Duration,
                                      now: ContinuousClock.Instant = .now) -> Bool {
        statuses.allSatisfy { $0.state != .running || now - $0.lastProgress <= interval }
    }

    /// "cam1 running; cam2 reconnecting (end of stream; attempt 2 in 1.00 s)" for STATUS=.
    public static func statusLine(_ statuses: [StreamStatus]) -> String {
        statuses.map { status in
            let detail = status.state == .running ? "" : status.reason.map { " (\($0))" } ?? ""
            return "\(status.name) \(status.state.rawValue)\(detail)"
        }.joined(separator: "; ")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
