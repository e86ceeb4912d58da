import BlurdMedia
import BlurdOutput
import BlurdPipeline
import Foundation
import Logging

/// `outputs.recording` of one connection: the annotated video cut into consecutive files, each
/// a complete `AnnotatedVideoSink` file whose trailer is written as soon as the next one begins
/// (or when the connection ends). A segment ends before the first frame at least
/// `segment_minutes` of stream time after the segment's first frame, so the cuts follow the
/// frames' pts, not the wall clock, and every segment but the connection's last lasts at least
/// that long. The source's timeline already continues over timestamp jumps (a camera that reset
/// its clock, see `FrameMeta.discontinuity`); stream time here also counts forward only, so the
/// little jitter it lets through cannot move a cut back either.
///
/// A file is named after the connection's start plus the stream time before the segment, which
/// keeps names distinct and in order even when a file source is analysed faster than real time;
/// a name that is taken moves on by a second, so no file is ever overwritten. With
/// `keep_segments`, the oldest files of the stream beyond that count are deleted whenever a
/// segment starts (files of earlier connections and runs included).
///
/// A segment counts as a recording from its first picture on: only then is it announced in the
/// log and counted against `keep_segments`, and one that ends without a picture (the connection
/// ended before its first frame) is removed, so a camera that keeps dropping the connection
/// neither litters the directory with empty files nor pushes real recordings out.
///
/// Copied audio follows the cuts: a segment takes the packets that start before the next
/// segment's first frame, and leaves the later ones in the queue for it.
final class SegmentedRecordingSink: FrameSink {
    private let config: RecordingConfig
    private let stream: String
    private let source: VideoSource
    private let audio: AudioPacketQueue?
    /// The connection's start (wall clock): stream time zero of the file names.
    private let start: Date
    private let logger: Logger
    private let segmentSeconds: Double
    /// nil only after a segment was finished and the next could not be opened.
    private var current: AnnotatedVideoSink?
    private var currentPath: String
    private var currentStart: Date
    /// Pictures written to the current segment.
    private var picturesInSegment = 0
    /// The stream time at which the next segment starts.
    private var nextCut: Double
    /// The pts a run of non-decreasing pts began with, and the stream time it began at.
    private var timeline: (firstPts: Double, elapsed: Double)?
    private var lastPts = 0.0
    private var lastElapsed = 0.0

    /// Pts come from integer units times a time base, so a frame a rounding error before the
    /// cut is at it.
    private static let cutTolerance = 1e-6

    /// Opens the first segment at once, so a recording that cannot be written fails the
    /// connection before any frame is read (the file goes again if no frame comes).
    /// `start`: the connection's start (wall clock); `audio`: the source's copied audio, if any.
    init(config: RecordingConfig, stream: String, source: VideoSource, audio: AudioPacketQueue?, start: Date,
         logger: Logger) throws {
        self.config = config
        self.stream = stream
        self.source = source
        self.audio = audio
        self.start = start
        self.logger = logger
        segmentSeconds = config.segmentMinutes * 60
        nextCut = segmentSeconds
        currentStart = start
        currentPath = ""
        try openSegment(at: start)
    }

    var needsFullFrames: Bool { true }

    func write(_ result: FrameResult) throws {
        let pts = result.meta.pts
        let elapsed = streamTime(at: pts)
        if elapsed >= nextCut - Self.cutTolerance {
            try finishSegment(audioEnd: pts, summary: Self.segmentSummary)
            // Names have one-second resolution: a segment is named at least a second after the last.
            try openSegment(at: max(start.addingTimeInterval(elapsed), currentStart.addingTimeInterval(1)))
            nextCut = elapsed + segmentSeconds
        }
        guard let current else {
            throw OutputError.writeFailed(path: currentPath, reason: "the segment is not open")
        }
        // Audio from the coming cut on belongs to the next segment, whatever frame starts it.
        current.audioEnd = pts + (nextCut - elapsed)
        try current.write(result)
        notePicture()
    }

    func finish(_ summary: RunSummary) throws {
        // The connection's last segment takes all remaining audio, as an uncut recording would.
        try finishSegment(audioEnd: nil, summary: summary)
    }

    /// Seconds of stream time from the connection's first frame to the frame at `pts`.
    private func streamTime(at pts: Double) -> Double {
        let run: (firstPts: Double, elapsed: Double)
        if let timeline, pts >= lastPts {
            run = timeline
        } else {
            run = (pts, lastElapsed)
            timeline = run
        }
        let elapsed = run.elapsed + (pts - run.firstPts)
        lastPts = pts
        lastElapsed = elapsed
        return elapsed
    }

    /// The segment's first picture makes it a recording.
    private func notePicture() {
        picturesInSegment += 1
        guard picturesInSegment == 1 else { return }
        logger.info("recording segment", metadata: ["path": "\(currentPath)"])
        if let keep = config.keepSegments { deleteOldSegments(keeping: keep, current: currentPath) }
    }

    /// Writes the current segment's trailer; its audio ends before `audioEnd` (nil = all). A
    /// segment without a picture is removed once closed.
    private func finishSegment(audioEnd: Double?, summary: RunSummary) throws {
        guard let segment = current else { return }
        current = nil
        segment.audioEnd = audioEnd
        defer { if picturesInSegment == 0 { removeEmptySegment() } }
        do {
            try segment.finish(summary)
        } catch {
            throw OutputError.writeFailed(path: currentPath, reason: "\(error)")
        }
    }

    /// `AnnotatedVideoSink.finish` ignores the run's totals; a segment's end has none.
    private static let segmentSummary = RunSummary(framesDecoded: 0, framesAnalysed: 0, framesDropped: 0,
                                                   corruptPackets: 0, decodeErrors: 0, noTextureFrames: 0,
                                                   elapsedSeconds: 0, interrupted: false)

    private func removeEmptySegment() {
        do {
            try FileManager.default.removeItem(atPath: currentPath)
        } catch {
            logger.warning("cannot remove an empty recording segment", metadata: ["path": "\(currentPath)",
                                                                                  "error": "\(error)"])
        }
    }

    /// Starts the segment named after `time`, or the first free second after it.
    private func openSegment(at time: Date) throws {
        var time = time
        while FileManager.default.fileExists(atPath: config.path(stream: stream, start: time)) {
            time.addTimeInterval(1)
        }
        let path = config.path(stream: stream, start: time)
        do {
            current = try AnnotatedVideoSink(path: path, source: source, audio: audio, codec: config.codec,
                                             crf: config.crf, startsAtZero: true)
        } catch {
            throw OutputError.cannotOpen(path: path, reason: "\(error)")
        }
        currentPath = path
        currentStart = time
        picturesInSegment = 0
    }

    /// Deletes the stream's oldest segment files beyond the newest `keep`, never the one being
    /// written (a clock set back can give it an older name than earlier files). Failures are
    /// logged: a file that cannot be deleted must not stop the recording.
    private func deleteOldSegments(keeping keep: Int, current: String) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: config.directory)
        } catch {
            logger.warning("cannot list old recording segments", metadata: ["directory": "\(config.directory)",
                                                                             "error": "\(error)"])
            return
        }
        let segments = names.filter { config.isSegment($0, of: stream) }.sorted()
        for name in segments.dropLast(keep) {
            let path = "\(config.directory)/\(name)"
            guard path != current else { continue }
            do {
                try FileManager.default.removeItem(atPath: path)
                logger.info("deleted old recording segment", metadata: ["path": "\(path)"])
            } catch {
                logger.warning("cannot delete old recording segment", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
    }
}
