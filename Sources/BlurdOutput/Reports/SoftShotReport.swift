import Foundation

/// The soft shots of one source with everything the CSV, EDL and SVG writers need.
public struct SoftShotReport: Sendable {
    /// Names the source in the EDL title and the plot (usually the input file name).
    public var title: String
    public var frameRate: Double
    public var timecode: TimecodeFormat
    public var criteria: SoftShotCriteria
    public var frames: [ScoredFrame]
    public var segments: [SoftSegment]
    /// Whether the frames carry blur types (a model with blur-type heads): the CSV then has a
    /// `blur_type` column. Set from the frames at init, so it holds after they are dropped
    /// (triage keeps only the segments).
    public var typed: Bool

    /// Detects the segments in `frames` (in frame order) at `frameRate`. `startTimecode`: the
    /// source's start timecode tag (`StreamInfo.startTimecode`); the timecodes count from it when
    /// it is valid at this rate, else from 00:00:00:00 at the first frame (`timecode.origin`).
    public init(title: String, frames: [ScoredFrame], frameRate: Double, criteria: SoftShotCriteria,
                startTimecode: String? = nil) {
        self.title = title
        self.frameRate = frameRate
        self.timecode = TimecodeFormat(frameRate: frameRate, startTimecode: startTimecode)
        self.criteria = criteria
        self.frames = frames
        self.typed = frames.contains { $0.blurTypes != nil }
        self.segments = SoftShotDetector.segments(in: frames, criteria: criteria, frameRate: frameRate)
    }

    /// Writes whichever of the three files has a path.
    public func write(csv: String?, edl: String?, svg: String?) throws {
        if let csv { try Self.save(SoftShotCSV.text(for: self), to: csv) }
        if let edl { try Self.save(SoftShotEDL.text(for: self), to: edl) }
        if let svg { try Self.save(SharpnessTimelineSVG.text(for: self), to: svg) }
    }

    private static func save(_ text: String, to path: String) throws {
        let file = try OutputFile(creating: path)
        try file.write(Array(text.utf8))
        try file.close()
    }
}
