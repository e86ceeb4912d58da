/// Where a triage run writes, all under the output folder DIR:
///
///     DIR/clips/ROOT/RELATIVE/PATH.jsonl      analyze's JSON Lines of the clip
///     DIR/clips/ROOT/RELATIVE/PATH.clip.json  its sidecar (source stamp, settings, result)
///     DIR/triage.json                         every file's row
///     DIR/soft-shots.csv                      every soft shot of every clip
///     DIR/report.html                         the page for a person (`LibraryReport`)
///     DIR/thumbs/ROOT/RELATIVE/PATH/shot-N-fF.jpg  a soft shot's softest frame, annotated
///     DIR/timeline.otio                       an OpenTimelineIO timeline of the clips with markers
///     DIR/triage.log                          FFmpeg's messages about the clips
///     DIR/shards/I-of-N.json                  the clips a run (shard I of N; 0-of-1 without
///                                             --shard) was given, for `--report-only`
///     DIR/shards/I-of-N.log                   a shard's FFmpeg messages (shards share DIR)
public struct TriageLayout: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var clipsDirectory: String { directory + "/clips" }
    public var summaryPath: String { directory + "/triage.json" }
    public var softShotsPath: String { directory + "/soft-shots.csv" }
    public var logPath: String { directory + "/triage.log" }
    public var reportPath: String { directory + "/report.html" }
    public var timelinePath: String { directory + "/timeline.otio" }
    public var thumbnailsDirectory: String { directory + "/thumbs" }

    /// The folder of a clip's thumbnails, relative to DIR (as the page links them).
    public func relativeThumbnailsDirectory(for clip: TriageClip) -> String {
        "thumbs/" + clip.name
    }

    /// The clip's JSON Lines; the source's extension is kept, so `A.mov` and `A.mp4` stay apart.
    public func resultPath(for clip: TriageClip) -> String {
        clipsDirectory + "/" + clip.name + ".jsonl"
    }

    public func sidecarPath(for clip: TriageClip) -> String {
        clipsDirectory + "/" + clip.name + ".clip.json"
    }

    /// The name the JSON Lines have while the clip is analysed.
    public func temporaryResultPath(for clip: TriageClip) -> String {
        AtomicFile.temporaryPath(for: resultPath(for: clip))
    }

    public var shardsDirectory: String { directory + "/shards" }

    /// The manifest of the run that is shard `shard`.
    public func manifestPath(for shard: ShardSpec) -> String {
        shardsDirectory + "/\(shard).json"
    }

    /// Where FFmpeg's messages go: DIR/triage.log for a run without `--shard` (nil), the
    /// shard's own log for a shard, so that processes sharing DIR never append to one file.
    public func logPath(for shard: ShardSpec?) -> String {
        shard.map { shardsDirectory + "/\($0).log" } ?? logPath
    }
}
