/// What analysing one clip gave, apart from the frames (those are in its JSON Lines): kept in
/// the clip's sidecar, so a resumed run reports the clip without decoding it again.
public struct ClipResult: Codable, Sendable, Equatable {
    public var status: ClipStatus
    /// For a failed clip, or a partial one that ended on an error: `blurd analyze`'s exit code
    /// for the error (3 not found … 8 output failure).
    public var errorClass: Int32?
    public var error: String?
    public var framesDecoded = 0
    public var framesAnalysed = 0
    public var corruptPackets = 0
    public var decodeErrors = 0
    /// The stream's frame rate (timecodes); nil when unknown.
    public var frameRate: Double?
    /// The stream's duration in seconds; nil when unknown.
    public var durationSeconds: Double?
    /// The source's start timecode tag (`StreamInfo.startTimecode`); nil when it has none. The
    /// reports' timecodes count from it.
    public var startTimecode: String?

    public init(status: ClipStatus, errorClass: Int32? = nil, error: String? = nil) {
        self.status = status
        self.errorClass = errorClass
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case status, error
        case errorClass = "error_class", framesDecoded = "frames_decoded", framesAnalysed = "frames_analysed"
        case corruptPackets = "corrupt_packets", decodeErrors = "decode_errors"
        case frameRate = "frame_rate", durationSeconds = "duration_s", startTimecode = "start_tc"
    }
}
