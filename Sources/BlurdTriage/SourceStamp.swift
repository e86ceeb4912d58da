#if canImport(Glibc)
import Glibc
#endif

/// A source file's size and modification time: when either changed, the clip's result is stale.
public struct SourceStamp: Codable, Sendable, Equatable {
    public var size: Int64
    /// Nanoseconds since the epoch, exact, so any touch counts.
    public var mtimeNanoseconds: Int64

    public init(size: Int64, mtimeNanoseconds: Int64) {
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
    }

    /// The stamp of the file at `path` (links followed); nil when it cannot be stat'ed.
    public init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        size = Int64(status.st_size)
        mtimeNanoseconds = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
    }

    enum CodingKeys: String, CodingKey {
        case size
        case mtimeNanoseconds = "mtime_ns"
    }
}
