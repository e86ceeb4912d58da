/// Counters of a `VideoSource`, for the run summary.
public struct DecodeStats: Sendable, Equatable {
    /// Frames the decoder produced (including ones sampling skipped or that were damaged).
    public var framesDecoded = 0
    /// Frames returned by `nextFrame`.
    public var framesDelivered = 0
    /// Packets the demuxer flagged as corrupt, could not read, or the decoder rejected.
    public var corruptPackets = 0
    /// Decoded frames skipped because the decoder flagged errors in them, plus decoder errors.
    public var decodeErrors = 0
    /// Jumps in the stream's timestamps that its timeline continued over (`FrameMeta.discontinuity`).
    public var timestampJumps = 0

    public init() {}
}
