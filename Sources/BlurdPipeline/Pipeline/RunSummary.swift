/// Totals of one pipeline run, handed to every sink's `finish`.
public struct RunSummary: Sendable, Equatable {
    public var framesDecoded: Int
    public var framesAnalysed: Int
    /// Frames discarded by the ring buffer's `.dropOldest` policy.
    public var framesDropped: Int
    public var corruptPackets: Int
    public var decodeErrors: Int
    public var noTextureFrames: Int
    public var elapsedSeconds: Double
    /// True when the run ended early on request (a signal or `stop()`).
    public var interrupted: Bool

    public init(framesDecoded: Int, framesAnalysed: Int, framesDropped: Int, corruptPackets: Int,
                decodeErrors: Int, noTextureFrames: Int, elapsedSeconds: Double, interrupted: Bool) {
        self.framesDecoded = framesDecoded
        self.framesAnalysed = framesAnalysed
        self.framesDropped = framesDropped
        self.corruptPackets = corruptPackets
        self.decodeErrors = decodeErrors
        self.noTextureFrames = noTextureFrames
        self.elapsedSeconds = elapsedSeconds
        self.interrupted = interrupted
    }

    /// Analysed frames per second of wall time; 0 when no time elapsed.
    public var fps: Double { elapsedSeconds > 0 ? Double(framesAnalysed) / elapsedSeconds : 0 }
}
