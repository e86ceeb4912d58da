import BlurdMedia
import BlurdAnalysis
import BlurdPipeline

/// `blurd analyze --annotate OUT`: every analysed frame at full resolution with `FrameAnnotator`'s
/// overlay, encoded with libavcodec (libx264 by default) and muxed with libavformat as it
/// arrives, so it works for live inputs too. Frames keep the input's timestamps and frame rate;
/// the input's audio, when `tap.source` was opened with `copyAudio`, is copied unchanged.
public final class AnnotatedVideoSink: FrameSink {
    private let tap: FullFrameTap
    private let writer: VideoWriter
    private let annotator: FrameAnnotator
    private var timestamps: FrameTimestamps
    private let timecode: TimecodeFormat
    private let hasAudio: Bool
    /// Audio before the first written frame has no picture to go with; it is left out.
    private var firstSeconds: Double?
    /// Analysed frames whose full-resolution picture had been dropped (drop-oldest only).
    public private(set) var missingFrames = 0
    /// Audio from this time on (seconds, like `FrameMeta.pts`) is left in the tap for the sink
    /// that records the following frames, when a recording is cut into files; nil = all audio.
    public var audioEnd: Double?

    /// `crf` applies to encoders that have one (libx264); `preset` likewise. `startsAtZero`
    /// shifts the file's timestamps to start at 0 (`VideoWriterOptions.startsAtZero`).
    public init(path: String, tap: FullFrameTap, codec: String = "libx264", crf: Int = 20,
                preset: String? = "veryfast", startsAtZero: Bool = false) throws {
        let stream = tap.source.info
        var options = VideoWriterOptions(path: path, width: tap.fullWidth, height: tap.fullHeight, codec: codec)
        timestamps = FrameTimestamps(stream: stream)
        timestamps.configure(&options, stream: stream)
        options.crf = crf
        options.preset = codec == "libx264" ? preset : nil
        options.gopSize = max(12, options.frameRate * 2)
        options.startsAtZero = startsAtZero
        options.logLabel = tap.source.options.logLabel
        if let audio = tap.source.audioStream { options.copiedStreams = [audio] }
        hasAudio = !options.copiedStreams.isEmpty
        writer = try VideoWriter(options: options)
        self.tap = tap
        annotator = FrameAnnotator(width: tap.fullWidth, height: tap.fullHeight)
        timecode = TimecodeFormat(frameRate: stream.frameRate ?? 25)
    }

    public func write(_ result: FrameResult) throws {
        guard var image = tap.takeFrame(index: result.meta.index) else {
            missingFrames += 1
            return
        }
        if firstSeconds == nil { firstSeconds = result.meta.pts }
        try writeAudio()
        annotator.annotate(&image, analysis: result.analysis, timecode: timecode.string(frame: result.meta.index))
        try writer.write(yuv420: image.y, u: image.u, v: image.v, pts: timestamps.units(seconds: result.meta.pts))
        tap.recycle(image)
    }

    public func finish(_ summary: RunSummary) throws {
        try writeAudio()
        try writer.finish()
    }

    private func writeAudio() throws {
        guard hasAudio, let firstSeconds else { return }
        let packets = audioEnd.map { tap.takeAudioPackets(before: $0) } ?? tap.takeAudioPackets()
        for packet in packets {
            guard let seconds = packet.seconds, seconds >= firstSeconds else { continue }
            try writer.write(copied: packet, stream: 0)
        }
    }
}
