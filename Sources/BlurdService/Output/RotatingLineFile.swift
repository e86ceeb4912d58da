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
    private var descriptor: Int32 = -1
    private var size = 0

    init(config: RotatingFileConfig) throws {
        self.config = config
        try open()
    }

    deinit { close() }

    /// Appends one complete line (including its newline), rotating first if needed.
    func write(_ line: String) throws {
        let count = line.utf8.count
        if size > 0 && size + count > config.maxBytes { try rotate() }
        guard descriptor >= 0 else { throw OutputError.writeFailed(path: config.path, reason: "file is closed") }
        try writeAll(line, to: descriptor, path: config.path)
        size += count
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    private func open() throws {
        let descriptor = Glibc.open(config.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError.cannotOpen(path: config.path, reason: String(cString: strerror(errno)))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw OutputError.cannotOpen(path: config.path, reason: reason)
        }
        self.descriptor = descriptor
        size = Int(status.st_size)
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
        try open()
    }
}
