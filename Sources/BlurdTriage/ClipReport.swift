/// One file's row in the triage summaries.
public struct ClipReport: Sendable {
    public var clip: TriageClip
    public var status: ClipStatus
    /// The analysis result (nil for skipped and pending files).
    public var result: ClipResult?
    /// Why a file was skipped or a clip failed.
    public var message: String?
    /// Nil unless the clip has results (ok or partial).
    public var scores: ClipScores?
    /// True when the result of an earlier run was reused.
    public var resumed = false

    public init(clip: TriageClip, status: ClipStatus, result: ClipResult? = nil, message: String? = nil,
                scores: ClipScores? = nil, resumed: Bool = false) {
        self.clip = clip
        self.status = status
        self.result = result
        self.message = message
        self.scores = scores
        self.resumed = resumed
    }
}
