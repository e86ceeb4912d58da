import BlurdOutput
import Foundation
import Logging
import Synchronization

/// A swift-log handler appending one line per message to DIR/triage.log, where FFmpeg's
/// complaints about damaged clips go during a triage: on standard error they would break the
/// live progress line and the JSON progress stream. swift-log itself only writes to the
/// standard streams, hence this small handler.
struct TriageLogHandler: LogHandler {
    /// The file, shared by every logger made from it.
    final class Destination: Sendable {
        private let file: Mutex<OutputFile?>

        /// Appends to `path`; throws `TriageError.outputFailed` when it cannot be opened.
        init(path: String) throws {
            do {
                file = Mutex(try OutputFile(appending: path))
            } catch {
                throw TriageError.outputFailed("\(error)")
            }
        }

        /// A lost log line must not fail a clip: write errors are ignored.
        func write(_ line: String) {
            file.withLock { file in try? file?.write(line) }
        }
    }

    let destination: Destination
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let context = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = ISO8601DateFormatter().string(from: Date())
        destination.write("\(time) \(event.level) \(context.isEmpty ? "" : context + " ")\(event.message)\n")
    }
}
