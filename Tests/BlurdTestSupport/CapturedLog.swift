import Logging
import Synchronization

/// A swift-log destination that keeps every record (level, message, metadata as strings), for
/// tests that assert on what was logged.
public final class CapturedLog: Sendable {
    public struct Record: CustomStringConvertible, Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]

        public var description: String { "\(level) \(message) \(metadata)" }
    }

    private let stored = Mutex<[Record]>([])

    public init() {}

    public var records: [Record] { stored.withLock { $0 } }

    /// A logger whose records land here.
    public var logger: Logger { Logger(label: "test") { _ in Handler(log: self) } }

    fileprivate func append(_ record: Record) { stored.withLock { $0.append(record) } }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            log.append(Record(level: event.level, message: event.message.description,
                              metadata: merged.mapValues { "\($0)" }))
        }
    }
}
