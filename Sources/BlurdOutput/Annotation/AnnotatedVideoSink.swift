import BlurdMedia
import BlurdAnalysis
import BlurdPipeline

/// `blurd analyze --annotate OUT`: every analysed frame at full resolution with `FrameAnnotator`'s
/// overlay, encoded with libavcodec (libx264 by default) and muxed with libavformat as it
/// arrives, so it works for live inputs too. Frames keep the input's timestamps and frame rate;
/// the input's audio, when the source was opened with `copyAudio` and `audio` is given, is
/// copied unchanged.
///
/// The pictures come with each frame (`FrameResult.fullFrame`, carried in the pipeline's ring
/// slot); the overlay is drawn on the sink's own copy, since the slot is the decoder's again once
/// the frame is written.
public final class AnnotatedVideoSink: FrameSink {
    private let writer: VideoWriter
    private let annotator: FrameAnnotator
    private let audio: AudioPacketQueue?
    private var timestamps: FrameTimestamps
    private let timecode: TimecodeFormat
    private let path: String
    private var canvas: YUV420Image
    /// Audio before the first written frame has no picture to go with; it is left out.
    private var firstSeconds: Double?
    /// Audio from this time on (seconds, like `FrameMeta.pts`) is left in the queue for the sink
    /// that records the following frames, when a recording is cut into files; nil = all audio.
    public var audioEnd: Double?

    public var needsFullFrames: Bool { true }

    /// `crf` applies to encoders that have one (libx264); `preset` likewise. `startsAtZero`
    /// shifts the file's timestamps to start at 0 (`VideoWriterOptions.startsAtZero`).
    public init(path: String, source: VideoSource, audio: AudioPacketQueue?, codec: String = "libx264", crf: Int = 20,
                preset: String? = "veryfast", startsAtZero: Bool = false) throws {
        let stream = source.info
        var options = VideoWriterOptions(path: path, width: stream.fullFrameWidth, height: stream.fullFrameHeight,
                                         codec: codec)
        timestamps = FrameTimestamps(stream: stream)
        timestamps.configure(&options, stream: stream)
        options.crf = crf
        options.preset = codec == "libx264" ? preset : nil
        options.gopSize = max(12, options.frameRate * 2)
        options.startsAtZero = startsAtZero
        options.logLabel = source.options.logLabel
        if let audio { options.copiedStreams = [audio.stream] }
        writer = try VideoWriter(options: options)
        self.audio = audio
        self.path = path
        canvas = YUV420Image(width: stream.fullFrameWidth, height: stream.fullFrameHeight)
        annotator = FrameAnnotator(width: stream.fullFrameWidth, height: stream.fullFrameHeight)
        timecode = TimecodeFormat(frameRate: stream.frameRate ?? 25, startTimecode: stream.startTimecode)
    }

    public func write(_ result: FrameResult) throws {
        guard let picture = result.fullFrame else {
            throw OutputError.writeFailed(path: path, reason: "frame \(result.meta.index) came without its full-resolution picture")
        }
        if firstSeconds == nil { firstSeconds = result.meta.pts }
        try writeAudio()
        canvas.assign(picture)
        annotator.annotate(&canvas, analysis: result.analysis, timecode: timecode.string(frame: result.meta.index))
        try writer.write(yuv420: canvas.y, u: canvas.u, v: canvas.v, pts: timestamps.units(seconds: result.meta.pts))
    }

    public func finish(_ summary: RunSummary) throws {
        try writeAudio()
        try writer.finish()
    }

    private func writeAudio() throws {
        guard let audio, let firstSeconds else { return }
        let packets = audioEnd.map { audio.take(before: $0) } ?? audio.takeAll()
        for packet in packets {
            guard let seconds = packet.seconds, seconds >= firstSeconds else { continue }
            try writer.write(copied: packet, stream: 0)
        }
    }
}
