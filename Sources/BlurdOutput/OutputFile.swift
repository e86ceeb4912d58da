import Glibc

/// An unbuffered output file descriptor: each `write` is handed to the kernel at once, so a
/// line written in one call is immediately visible to a reader tailing the file or pipe.
final class OutputFile {
    let path: String
    private var descriptor: Int32
    private let ownsDescriptor: Bool

    /// Standard output (not closed by `close()`).
    static func standardOutput() -> OutputFile { OutputFile(path: "<stdout>", descriptor: 1, owns: false) }

    /// Creates or truncates `path`.
    init(creating path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.descriptor = descriptor
        self.ownsDescriptor = true
    }

    private init(path: String, descriptor: Int32, owns: Bool) {
        self.path = path
        self.descriptor = descriptor
        self.ownsDescriptor = owns
    }

    deinit { try? close() }

    /// Writes every byte, retrying short writes and EINTR.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            offset += count
        }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func close() throws {
        guard ownsDescriptor, descriptor >= 0 else { return }
        let status = Glibc.close(descriptor)
        descriptor = -1
        if status != 0 {
            throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
