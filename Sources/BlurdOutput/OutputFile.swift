import Glibc

/// An unbuffered output file descriptor: each `write` is handed to the kernel at once, so a
/// line written in one call is immediately visible to a reader tailing the file or pipe. The one
/// writer of every line blurd puts in a file or on standard output (analyze's JSON Lines, the
/// daemon's rotating logs and state files).
public final class OutputFile {
    public let path: String
    /// Bytes in the file when it was opened (for `init(appending:)`), then plus every write.
    public private(set) var size: Int
    private var descriptor: Int32
    private let ownsDescriptor: Bool

    /// Standard output (not closed by `close()`).
    public static func standardOutput() -> OutputFile { OutputFile(path: "<stdout>", descriptor: 1, owns: false) }

    /// Creates or truncates `path`.
    public init(creating path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.descriptor = descriptor
        self.ownsDescriptor = true
        self.size = 0
    }

    /// Opens `path` for appending, creating it if needed: a restarted daemon continues its file.
    public init(appending path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw OutputError.cannotOpen(path: path, reason: reason)
        }
        self.path = path
        self.descriptor = descriptor
        self.ownsDescriptor = true
        self.size = Int(status.st_size)
    }

    private init(path: String, descriptor: Int32, owns: Bool) {
        self.path = path
        self.descriptor = descriptor
        self.ownsDescriptor = owns
        self.size = 0
    }

    deinit { try? close() }

    /// Writes every byte, retrying short writes and EINTR.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw OutputError.writeFailed(path: path, reason: "file is closed") }
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            offset += count
        }
        size += bytes.count
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Writes `text` as UTF-8 in one call to `write(2)` where the kernel allows.
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Flushes the file's data to the device (a crash cannot then leave it empty).
    public func sync() throws {
        guard fsync(descriptor) == 0 else {
            throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }

    public func close() throws {
        guard ownsDescriptor, descriptor >= 0 else { return }
        let status = Glibc.close(descriptor)
        descriptor = -1
        if status != 0 {
            throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
