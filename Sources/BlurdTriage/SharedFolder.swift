import Foundation

/// Folders under DIR that several shard processes may create at the same moment (DIR/clips,
/// DIR/shards, a clip's folder): a folder made by another process between the existence check
/// and the mkdir is success, not an error.
enum SharedFolder {
    /// Creates `path` and its parents unless they exist; throws `TriageError.outputFailed`.
    static func make(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            guard FileIdentity.isDirectory(path) else {
                throw TriageError.outputFailed("cannot create \(path): \(error.localizedDescription)")
            }
        }
    }
}
