import BlurdOutput
import Glibc

/// An append-only file of lines, rotated by size: when the next line would take `path` past
/// `maxBytes`, `path.K-1` → `path.K` … `path` → `path.1` (the old `path.K` is replaced, so at
/// most `keep` rotated files exist) and a fresh `path` is started. Lines are never split across
/// files and each goes to the kernel in one `write`, so a reader never sees half a line.
///
/// Appends rather than truncates: a restarted daemon continues the file it left.
final class RotatingLineFile {
    let config: RotatingFileConfig
    private var file: OutputFile?

    init(config: RotatingFileConfig) throws {
        self.config = config
        file = try OutputFile(appending: config.path)
    }

    /// Appends one complete line (including its newline), rotating first if needed.
    func write(_ line: String) throws {
        if let file, file.size > 0 && file.size + line.utf8.count > config.maxBytes { try rotate() }
        guard let file else { throw OutputError.writeFailed(path: config.path, reason: "file is closed") }
        try file.write(line)
    }

    func close() {
        try? file?.close()
        file = nil
    }

    private func rotate() throws {
        close()
        for index in stride(from: config.keep - 1, through: 1, by: -1) {
            let from = "\(config.path).\(index)", to = "\(config.path).\(index + 1)"
            if rename(from, to) != 0 && errno != ENOENT {
                throw OutputError.writeFailed(path: from, reason: "rotating: \(String(cString: strerror(errno)))")
            }
        }
        if rename(config.path, "\(config.path).1") != 0 {
            throw OutputError.writeFailed(path: config.path, reason: "rotating: \(String(cString: strerror(errno)))")
        }
        file = try OutputFile(appending: config.path)
    }
}
