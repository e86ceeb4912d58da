import Foundation
import Synchronization

/// `/livez`: whether the process itself works, as opposed to `/healthz`, which reports the
/// streams. A dead or unreachable camera only makes /healthz fail; restarting the process
/// (Kubernetes' liveness probe) would not bring it back and would interrupt every other stream.
/// /livez fails when the control loop has not reported for `reportDeadline` (the loop is stuck),
/// or when a running stream's pipeline has written no frame for `stallMarginSeconds` beyond its
/// `timeout_s` (a source silent that long would have been dropped and reconnected, so the
/// pipeline itself hangs): the cases systemd's watchdog restarts the daemon for.
public final class Liveness: Sendable {
    /// The control loop reports every second at most; 30 s without a report means it is stuck.
    public static let reportDeadline: Duration = .seconds(30)
    /// Added to a stream's `timeout_s` before its silent pipeline counts as hung.
    public static let stallMarginSeconds = 60.0

    private struct Report {
        var at: ContinuousClock.Instant
        var stalled: [String]
    }

    private let last: Mutex<Report>

    public init(now: ContinuousClock.Instant = .now) {
        last = Mutex(Report(at: now, stalled: []))
    }

    /// Called by the control loop with every report.
    func reported(stalled: [String], at now: ContinuousClock.Instant = .now) {
        last.withLock { $0 = Report(at: now, stalled: stalled) }
    }

    /// The running streams of `statuses` whose pipeline has been silent longer than their
    /// `timeout_s` (from `timeouts`, by name; 10 s when missing) plus `stallMarginSeconds`.
    static func stalled(_ statuses: [StreamStatus], timeouts: [String: Double],
                        now: ContinuousClock.Instant = .now) -> [String] {
        statuses.filter { status in
            let limit = min(timeouts[status.name] ?? 10, 86_400) + stallMarginSeconds
            return status.state == .running && now - status.lastProgress > .milliseconds(Int64(limit * 1000))
        }.map(\.name)
    }

    /// 200-worthy (`alive`) or not, with a JSON body: `alive`, `seconds_since_report`, `stalled`.
    public func evaluate(now: ContinuousClock.Instant = .now) -> (alive: Bool, json: String) {
        let report = last.withLock { $0 }
        let age = now - report.at
        let alive = age <= Self.reportDeadline && report.stalled.isEmpty
        let seconds = Double(age.components.seconds) + Double(age.components.attoseconds) * 1e-18
        let body: [String: Any] = ["alive": alive, "seconds_since_report": (seconds * 10).rounded() / 10,
                                   "stalled": report.stalled]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return (alive, String(decoding: data, as: UTF8.self))
    }
}
