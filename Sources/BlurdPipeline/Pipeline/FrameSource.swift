import BlurdCore
import BlurdMedia

/// Where the pipeline's frames come from: `VideoSource` in production, synthetic sources in
/// tests.
public protocol FrameSource: AnyObject {
    /// Size of the frames `nextFrame` delivers, so ring slots can be allocated once.
    var frameWidth: Int { get }
    var frameHeight: Int { get }
    /// Size of the full-resolution pictures `nextFrame(into:fullFrame:)` delivers; nil when the
    /// source has none (then no sink that needs them can run on it).
    var fullFrameSize: (width: Int, height: Int)? { get }
    /// Fills `luma` in place (reusing its storage) and returns the frame's metadata; nil at EOF.
    func nextFrame(into luma: inout GrayImage) throws -> FrameMeta?
    /// Like `nextFrame(into:)`, and also fills `fullFrame` in place with the picture at
    /// `fullFrameSize`. Called only when `fullFrameSize` is not nil.
    func nextFrame(into luma: inout GrayImage, fullFrame: inout YUV420Image) throws -> FrameMeta?
    /// Decoder counters for the run summary.
    var counters: SourceCounters { get }
    /// Asks `nextFrame` to stop soon; callable from any thread.
    func interrupt()
}

/// Counters a frame source reports for the run summary.
public struct SourceCounters: Sendable, Equatable {
    public var framesDecoded: Int
    public var corruptPackets: Int
    public var decodeErrors: Int
    /// Jumps in the timestamps that the source's timeline continued over (`DecodeStats.timestampJumps`).
    public var timestampJumps: Int

    public init(framesDecoded: Int = 0, corruptPackets: Int = 0, decodeErrors: Int = 0, timestampJumps: Int = 0) {
        self.framesDecoded = framesDecoded
        self.corruptPackets = corruptPackets
        self.decodeErrors = decodeErrors
        self.timestampJumps = timestampJumps
    }
}

extension VideoSource: FrameSource {
    public var frameWidth: Int { info.analysisWidth }
    public var frameHeight: Int { info.analysisHeight }
    public var fullFrameSize: (width: Int, height: Int)? { (info.fullFrameWidth, info.fullFrameHeight) }

    public var counters: SourceCounters {
        let stats = self.stats
        return SourceCounters(framesDecoded: stats.framesDecoded, corruptPackets: stats.corruptPackets,
                              decodeErrors: stats.decodeErrors, timestampJumps: stats.timestampJumps)
    }
}
