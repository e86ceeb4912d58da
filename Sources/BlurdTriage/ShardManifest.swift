import Foundation

/// DIR/shards/I-of-N.json: the files a run was given (its shard of the library; everything for
/// a run without `--shard`, which is 0-of-1) and the settings it ran with. Written when the run
/// starts, so that `blurd triage --report-only` can list as missing every clip of a shard that
/// never finished, and again when it ends, with each clip's outcome. Schema:
///
///     { "version": 1, "shard": I, "shards": N, "state": running|complete|stopped,
///       "paths": [PATH arguments], "settings": {…sidecar settings…},
///       "clips": [ { "root", "relative_path", "path", "size", "source": {size, mtime_ns},
///                    "status" (at the end: ok|partial|failed|skipped|pending), "resumed" } ],
///       "skipped": [ { "root", "relative_path", "path", "reason" } ] }
public struct ShardManifest: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    /// Where the run is.
    public enum State: String, Codable, Sendable {
        /// Started, not ended (or killed: nothing rewrites the manifest then).
        case running
        /// Every clip was tried.
        case complete
        /// A stop (SIGINT/SIGTERM) ended it with clips not tried.
        case stopped
    }

    /// A clip the shard was given.
    public struct Clip: Codable, Sendable, Equatable {
        public var root: String
        public var relativePath: String
        public var path: String
        public var size: Int64
        /// The source as found; a result is this clip's only when its sidecar has the same stamp.
        public var source: SourceStamp?
        /// Set when the run ends.
        public var status: ClipStatus?
        /// True when the result of an earlier run was reused instead of analysing the clip.
        public var resumed: Bool?

        public var clip: TriageClip { TriageClip(path: path, root: root, relativePath: relativePath, size: size) }

        enum CodingKeys: String, CodingKey {
            case root, path, size, source, status, resumed
            case relativePath = "relative_path"
        }
    }

    /// A file of the shard that is not a clip.
    public struct Skipped: Codable, Sendable, Equatable {
        public var root: String
        public var relativePath: String
        public var path: String
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case root, path, reason
            case relativePath = "relative_path"
        }
    }

    public var version = ShardManifest.currentVersion
    public var shard: Int
    public var shards: Int
    public var state: State
    public var paths: [String]
    public var settings: TriageSettings
    public var clips: [Clip]
    public var skipped: [Skipped]

    /// The manifest of a run starting on `clips` and `skipped` (its shard's share).
    init(shard: ShardSpec, paths: [String], settings: TriageSettings, clips: [TriageClip], skipped: [SkippedFile]) {
        self.shard = shard.index
        shards = shard.count
        state = .running
        self.paths = paths
        self.settings = settings
        self.clips = clips.map { clip in
            Clip(root: clip.root, relativePath: clip.relativePath, path: clip.path, size: clip.size,
                 source: SourceStamp(path: clip.path))
        }
        self.skipped = skipped.map { file in
            Skipped(root: file.file.root, relativePath: file.file.relativePath, path: file.file.path, reason: file.message)
        }
    }

    /// The manifest at the end of the run: its state and each clip's outcome from `reports`.
    func ended(stopped: Bool, reports: [ClipReport]) -> ShardManifest {
        var ended = self
        ended.state = stopped ? .stopped : .complete
        let byName = Dictionary(reports.map { ($0.clip.name, $0) }, uniquingKeysWith: { first, _ in first })
        for index in ended.clips.indices {
            let report = byName[ended.clips[index].clip.name]
            ended.clips[index].status = report?.status ?? .pending
            ended.clips[index].resumed = report?.resumed ?? false
        }
        return ended
    }

    /// Written through a temporary name and a rename: whole or absent, even on a shared volume
    /// read by another shard's `--report-only`.
    func write(layout: TriageLayout) throws {
        try SharedFolder.make(layout.shardsDirectory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(self)
        } catch {
            throw TriageError.outputFailed("cannot encode the shard manifest: \(error)")
        }
        try AtomicFile.write(data + Data("\n".utf8), to: layout.manifestPath(for: spec ?? .whole))
    }

    /// This manifest's shard.
    var spec: ShardSpec? { ShardSpec(validIndex: shard, count: shards) }

    /// Every manifest in DIR/shards, by file name. A file that is not a manifest of this version
    /// (a half-copied file, another release's) is refused with its name: a report built without
    /// it would silently leave out a shard's clips.
    static func readAll(layout: TriageLayout) throws -> [ShardManifest] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: layout.shardsDirectory)
        } catch {
            return []
        }
        var manifests: [ShardManifest] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = layout.shardsDirectory + "/" + name
            guard let data = FileManager.default.contents(atPath: path),
                  let manifest = try? JSONDecoder().decode(ShardManifest.self, from: data),
                  manifest.version == currentVersion, let spec = manifest.spec, "\(spec).json" == name else {
                throw TriageError.unusableManifests("\(path) is not a shard manifest of this blurd (damaged, renamed or older)")
            }
            manifests.append(manifest)
        }
        return manifests
    }

    /// Removes the manifests of other shard counts: a new split of DIR supersedes the old one,
    /// whose clips the report would otherwise still list. Shards of one split never remove
    /// each other's.
    static func removeOtherSplits(than shard: ShardSpec, layout: TriageLayout) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: layout.shardsDirectory) else { return }
        for name in names where name.hasSuffix(".json") && !name.hasSuffix("-of-\(shard.count).json") {
            try? FileManager.default.removeItem(atPath: layout.shardsDirectory + "/" + name)
        }
    }
}
