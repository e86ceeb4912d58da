import Foundation

/// A stream's line outputs (rotating JSON Lines file, standard output). Every line gets a
/// leading `"stream":NAME` field, since several streams share standard output and a log
/// collector may merge files.
final class StreamOutput {
    private let prefix: String
    private let file: RotatingLineFile?
    private let toStandardOutput: Bool

    /// One lock for standard output across streams: frame lines can exceed PIPE_BUF, and
    /// lines from two streams must not interleave.
    private static let standardOutputLock = NSLock()

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
            try Self.standardOutputLock.withLock { try writeAll(tagged, to: 1, path: "<stdout>") }
        }
    }

    /// The line for a focus event.
    static func line(for event: FocusEvent) -> String {
        "{\"event\":\"\(event.kind.rawValue)\",\"pts\":\(event.pts.map { number($0, scale: 1e6) } ?? "null"),"
            + "\"score\":\(event.score.map { number($0, scale: 1e4) } ?? "null")}\n"
    }

    func close() { file?.close() }

    private static func number(_ value: Double, scale: Double) -> String {
        guard value.isFinite else { return "null" }
        let rounded = (value * scale).rounded() / scale
        return rounded == 0 ? "0" : "\(rounded)"
    }
}
