import BlurdOutput
import Foundation
import Synchronization

/// A stream's line outputs (rotating JSON Lines file, standard output). Every line gets a
/// leading `"stream":NAME` field, since several streams share standard output and a log
/// collector may merge files.
final class StreamOutput {
    private let prefix: String
    private let file: RotatingLineFile?
    private let toStandardOutput: Bool

    /// One lock for standard output across streams: frame lines can exceed PIPE_BUF, and
    /// lines from two streams must not interleave.
    private static let standardOutput = Mutex(OutputFile.standardOutput())

    init(stream: String, config: OutputsConfig) throws {
        // Stream names are validated to [A-Za-z0-9_.-], so they need no JSON escaping.
        prefix = "{\"stream\":\"\(stream)\","
        file = try config.jsonl.map(RotatingLineFile.init)
        toStandardOutput = config.stdout
    }

    /// Writes a JSON object line (starting with "{", ending with a newline) to every output.
    func write(objectLine line: String) throws {
        let tagged = prefix + line.dropFirst()
        try file?.write(tagged)
        if toStandardOutput {
            try Self.standardOutput.withLock { try $0.write(tagged) }
        }
    }

    /// The line for a focus event.
    static func line(for event: FocusEvent) -> String {
        "{\"event\":\"\(event.kind.rawValue)\",\"pts\":\(JSONText.number(event.pts, decimals: 6)),"
            + "\"score\":\(JSONText.number(event.score, decimals: 4)),\"mode\":\"\(event.mode.rawValue)\""
            + (event.typed ? ",\"blur_type\":\(event.blurType.map { JSONText.string($0.rawValue) } ?? "null")" : "") + "}\n"
    }

    func close() { file?.close() }
}
