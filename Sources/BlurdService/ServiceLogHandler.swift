import BlurdCore
import Foundation
import Logging
import Synchronization

/// swift-log to standard error, one line per message. Under systemd (`$JOURNAL_STREAM` set)
/// each line starts with the syslog priority, "<3>" for errors, "<4>" warnings and so on,
/// which journald turns into the entry's level (SyslogLevelPrefix=, on by default); elsewhere
/// lines start with a UTC timestamp and the level name. The userinfo of URLs is redacted
/// (`URLRedaction`).
public struct ServiceLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let journald: Bool

    /// Serialises whole lines from the streams' threads onto standard error, and holds the
    /// timestamp formatter: formatters are not documented as thread-safe everywhere.
    private static let lines = Mutex<ISO8601DateFormatter>({
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }())

    public init(journald: Bool) {
        self.journald = journald
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        // Also here, whatever the message's source: a redaction missed upstream must not reach the journal.
        let body = URLRedaction.redact("\(fields.isEmpty ? "" : fields + ": ")\(event.message)")
            .replacingOccurrences(of: "\n", with: " ")
        Self.lines.withLock { timestamps in
            let head = journald ? "<\(Self.priority(event.level))>" : "\(timestamps.string(from: Date())) \(event.level) "
            FileHandle.standardError.write(Data((head + body + "\n").utf8))
        }
    }

    /// syslog(3) priorities.
    private static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .critical: return 2
        case .error: return 3
        case .warning: return 4
        case .notice: return 5
        case .info: return 6
        case .debug, .trace: return 7
        }
    }
}
