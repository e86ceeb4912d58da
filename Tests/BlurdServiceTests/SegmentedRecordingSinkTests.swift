@testable import BlurdService
import BlurdCore
import BlurdMedia
import BlurdOutput
import BlurdAnalysis
import BlurdPipeline
import BlurdTestSupport
import Foundation
import Logging
import XCTest

/// A 5 s clip at 25 fps through the pipeline with a `SegmentedRecordingSink` of 2 s segments,
/// as the supervisor runs it; the files are checked with ffprobe and BlurdMedia's decoder.
final class SegmentedRecordingSinkTests: XCTestCase {
    private var directory: URL!
    private var recordings: URL!
    /// 2024-05-01T12:00:00Z: segments are named this plus their stream-time offset.
    private let start = Date(timeIntervalSince1970: 1_714_564_800)
    private let segmentNames = ["clip-20240501T120000Z", "clip-20240501T120002Z", "clip-20240501T120004Z"]
    private let twoSeconds = 2.0 / 60

    override func setUpWithError() throws {
        directory = try TemporaryDirectory.make("blurd-segments", for: self)
        recordings = directory.appendingPathComponent("rec", isDirectory: true)
        try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
    }

    /// 125 frames at 25 fps of a moving checkerboard, encoded by BlurdMedia's writer.
    private func makeClip() throws -> String {
        var options = VideoWriterOptions(path: directory.appendingPathComponent("clip.mkv").path,
                                         width: 320, height: 240, frameRate: 25, codec: "mpeg4")
        options.gopSize = 25
        return try ClipEncoder.encode(options, frames: 125) { index in
            var image = GrayImage(width: 320, height: 240)
            for y in 0..<240 {
                for x in 0..<320 { image[x, y] = ((x + 3 * index) / 16 + y / 16) % 2 == 0 ? 200 : 40 }
            }
            return image
        }
    }

    /// 5 s of a test pattern at 25 fps with a 48 kHz AAC tone, made by the ffmpeg CLI.
    private func makeClipWithAudio() throws -> String {
        _ = try ServeHarness.ffmpeg()
        let path = directory.appendingPathComponent("tone.mkv").path
        try ExternalTool.output("ffmpeg", ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                                           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "5",
                                           "-c:v", "mpeg2video", "-c:a", "aac", path])
        return path
    }

    /// Runs `clip` through a one-worker pipeline (blocking ring, so no frame is dropped) whose
    /// only sink is the segmented recording of stream "clip".
    private func record(_ clip: String, _ recording: RecordingConfig, copyAudio: Bool = false,
                        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        var options = VideoSourceOptions(url: clip)
        options.analysisLongSide = 160
        options.copyAudio = copyAudio
        let source = try VideoSource(options: options)
        let sink = try SegmentedRecordingSink(config: recording, stream: "clip", source: source,
                                              audio: AudioPacketQueue.attached(to: source), start: start, logger: logger)
        let pipeline = AnalysisPipeline(source: source, analyzerFactory: AnalysisMethod.classic.makeFactory(), sinks: [sink],
                                        options: PipelineOptions(workers: 1))
        let summary = try pipeline.run()
        XCTAssertEqual(summary.framesAnalysed, 125)
    }

    private func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: recordings.path).sorted()
    }

    private func path(_ name: String) -> String { recordings.appendingPathComponent(name).path }

    /// Pictures BlurdMedia's decoder gets from `path`, read to the end.
    private func decodedFrames(_ path: String) throws -> Int {
        let source = try VideoSource(options: VideoSourceOptions(url: path))
        var luma = GrayImage(width: source.frameWidth, height: source.frameHeight)
        var frames = 0
        while try source.nextFrame(into: &luma) != nil { frames += 1 }
        return frames
    }

    /// Seconds of every packet of the first audio stream, as ffprobe reads them.
    private func audioPacketTimes(_ path: String) throws -> [Double] {
        try ExternalTool.output("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "packet=pts_time",
                                            "-of", "csv=p=0", path])
            .split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// mp4 is unreadable without its trailer (the index is written last), so every segment
    /// opening and decoding completely shows each was finished.
    func testFiveSecondsMakeThreeFinishedSegmentsOf50_50_25Frames() throws {
        let clip = try makeClip()
        let log = CapturedLog()
        try record(clip, RecordingConfig(directory: recordings.path, container: "mp4", segmentMinutes: twoSeconds),
                   logger: log.logger)

        let names = segmentNames.map { "\($0).mp4" }
        XCTAssertEqual(try files(), names)
        let probed = try names.map { try ProbeReference(path: path($0)).frames.count }
        XCTAssertEqual(probed, [50, 50, 25])
        XCTAssertEqual(probed.reduce(0, +), try ProbeReference(path: clip).frames.count)
        XCTAssertEqual(try names.map { try decodedFrames(path($0)) }, [50, 50, 25])
        XCTAssertEqual(log.records.filter { $0.level == .info && $0.message == "recording segment" }.map { $0.metadata["path"] },
                       names.map { path($0) })
    }

    /// The stream's older files go first; files of another stream ("clip-2"), of another
    /// container, and others are left alone.
    func testKeepSegmentsLeavesTheNewestFilesOfTheStream() throws {
        let clip = try makeClip()
        let others = ["clip-2-20240101T000000Z.mkv", "clip-20240101T000000Z.mp4", "notes.txt"]
        let older = "clip-20240101T000000Z.mkv"
        for name in others + [older] {
            XCTAssertTrue(FileManager.default.createFile(atPath: path(name), contents: Data("x".utf8)))
        }
        try record(clip, RecordingConfig(directory: recordings.path, segmentMinutes: twoSeconds, keepSegments: 2))

        let kept = segmentNames.suffix(2).map { "\($0).mkv" }
        XCTAssertEqual(try files(), (others + kept).sorted())
        XCTAssertEqual(try kept.map { try ProbeReference(path: path($0)).frames.count }, [50, 25])
    }

    /// A connection that ends before its first frame: the segment opened up front (so an
    /// unwritable recording fails early) is removed again, is not announced, and did not push
    /// the older recording out of `keep_segments: 1`.
    func testAConnectionEndingBeforeItsFirstFrameLeavesNoFile() throws {
        let clip = try makeClip()
        let older = "clip-20240101T000000Z.mkv"
        XCTAssertTrue(FileManager.default.createFile(atPath: path(older), contents: Data("x".utf8)))
        var options = VideoSourceOptions(url: clip)
        options.analysisLongSide = 160
        let source = try VideoSource(options: options)
        let log = CapturedLog()
        let sink = try SegmentedRecordingSink(config: RecordingConfig(directory: recordings.path, segmentMinutes: twoSeconds,
                                                                      keepSegments: 1),
                                              stream: "clip", source: source, audio: nil, start: start, logger: log.logger)
        XCTAssertEqual(try files(), [older, "\(segmentNames[0]).mkv"])

        try sink.finish(RunSummary(framesDecoded: 0, framesAnalysed: 0, framesDropped: 0, corruptPackets: 0,
                                   decodeErrors: 0, noTextureFrames: 0, elapsedSeconds: 0.1, interrupted: false))
        XCTAssertEqual(try files(), [older])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path(older))), Data("x".utf8))
        XCTAssertEqual(log.records.map(\.message), [])
    }

    /// A file that already has a segment's name is left alone: the segment takes the next
    /// free second, and the following segments keep their own names.
    func testAnExistingFileIsNeverOverwritten() throws {
        let clip = try makeClip()
        let taken = "clip-20240501T120000Z.mkv"
        XCTAssertTrue(FileManager.default.createFile(atPath: path(taken), contents: Data("x".utf8)))
        try record(clip, RecordingConfig(directory: recordings.path, segmentMinutes: twoSeconds))

        let names = ["clip-20240501T120001Z.mkv", "clip-20240501T120002Z.mkv", "clip-20240501T120004Z.mkv"]
        XCTAssertEqual(try files(), [taken] + names)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path(taken))), Data("x".utf8))
        XCTAssertEqual(try names.map { try ProbeReference(path: path($0)).frames.count }, [50, 50, 25])
    }

    /// Frames fed to the sink by hand, with pts that restart at 0 after frame 62 (a camera that
    /// reset its clock): stream time runs on from 2.48 s instead of going back, so the third
    /// segment starts at frame 101 (4 s of stream time), not never.
    func testStreamTimeRunsOnWhenThePtsGoBack() throws {
        let clip = try makeClip()
        var options = VideoSourceOptions(url: clip)
        options.analysisLongSide = 160
        let source = try VideoSource(options: options)
        let sink = try SegmentedRecordingSink(config: RecordingConfig(directory: recordings.path, segmentMinutes: twoSeconds),
                                              stream: "clip", source: source, audio: nil, start: start,
                                              logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let analysis = FrameAnalysis(state: .noTexture, score: nil, blurredFraction: nil, map: BlurMap(width: 1, height: 1))
        var luma = GrayImage(width: source.frameWidth, height: source.frameHeight)
        var picture = YUV420Image(width: source.info.fullFrameWidth, height: source.info.fullFrameHeight)
        var frames = 0
        while var meta = try source.nextFrame(into: &luma, fullFrame: &picture) {
            if meta.index >= 63 { meta.pts = Double(meta.index - 63) / 25 }
            try sink.write(FrameResult(meta: meta, analysis: analysis, luma: luma, fullFrame: picture))
            frames += 1
        }
        try sink.finish(RunSummary(framesDecoded: frames, framesAnalysed: frames, framesDropped: 0, corruptPackets: 0,
                                   decodeErrors: 0, noTextureFrames: frames, elapsedSeconds: 0, interrupted: false))

        XCTAssertEqual(frames, 125)
        let names = segmentNames.map { "\($0).mkv" }
        XCTAssertEqual(try files(), names)
        XCTAssertEqual(try names.map { try ProbeReference(path: path($0)).frames.count }, [50, 51, 24])
    }

    /// Each segment holds the audio from its first frame up to the next segment's, and no
    /// packet is lost or written twice at a cut.
    func testCopiedAudioIsCutWithTheVideo() throws {
        let clip = try makeClipWithAudio()
        try record(clip, RecordingConfig(directory: recordings.path, segmentMinutes: twoSeconds), copyAudio: true)

        let names = segmentNames.map { "\($0).mkv" }
        XCTAssertEqual(try files(), names)
        let segments = try names.map { try ProbeReference(path: path($0)) }
        XCTAssertEqual(segments.map(\.frames.count), [50, 50, 25])
        // Every file starts at 0 (not at its offset in the stream) and holds the audio of its
        // own stretch of video: from its first frame up to where the next segment begins.
        let videoStarts = try segments.map { try XCTUnwrap($0.frames.map(\.pts).min()) }
        for start in videoStarts { XCTAssertEqual(start, 0, accuracy: 0.1, "\(videoStarts)") }
        var written = 0
        for (index, name) in names.enumerated() {
            let times = try audioPacketTimes(path(name))
            XCTAssertFalse(times.isEmpty, name)
            let videoEnd = videoStarts[index] + Double(segments[index].frames.count) / 25
            let end = index + 1 < names.count ? videoEnd : .infinity
            XCTAssertTrue(times.allSatisfy { $0 >= -0.001 && $0 < end + 0.001 }, "\(name): \(times)")
            written += times.count
        }
        // The input's audio from its video's first frame on: earlier audio has no picture.
        let videoStart = try XCTUnwrap(try ProbeReference(path: clip).frames.map(\.pts).min())
        let expected = try audioPacketTimes(clip).filter { $0 >= videoStart - 0.0005 }.count
        XCTAssertGreaterThan(expected, 200)
        XCTAssertEqual(written, expected)
    }
}
