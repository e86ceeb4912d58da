import Foundation

/// Whole-or-absent files: written under a temporary name beside the final one, then renamed
/// (rename(2) replaces atomically within a folder).
enum AtomicFile {
    /// The temporary name of `path` while it is written.
    static func temporaryPath(for path: String) -> String { path + ".tmp" }

    /// Writes `data` to `path` through its temporary name; throws `TriageError.outputFailed`.
    static func write(_ data: Data, to path: String) throws {
        let temporary = temporaryPath(for: path)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw TriageError.outputFailed("cannot write \(temporary): \(error.localizedDescription)")
        }
        try commit(temporary, to: path)
    }

    /// Renames the finished `temporary` to `path`.
    static func commit(_ temporary: String, to path: String) throws {
        guard rename(temporary, path) == 0 else {
            throw TriageError.outputFailed("cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
