/// A clip's row status in every triage report.
public enum ClipStatus: String, Codable, Sendable {
    /// Analysed to the end without a decode error.
    case ok
    /// Analysed, but the file is damaged: corrupt packets, decode errors, or a read error after
    /// some frames; its results cover what could be decoded.
    case partial
    /// No results: the file cannot be opened or decoded (error class = analyze's exit code).
    case failed
    /// Not a clip: no media content, a still image, no video stream, unreadable.
    case skipped
    /// Not analysed because the run was stopped first.
    case pending
    /// `--report-only`: a shard manifest assigned the clip, but no result of it is on disk (its
    /// shard has not finished, or was stopped before the clip).
    case missing
}
