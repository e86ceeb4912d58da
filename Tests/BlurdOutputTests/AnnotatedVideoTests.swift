import BlurdCore
import BlurdMedia
import BlurdOutput
import BlurdAnalysis
import BlurdPipeline
import BlurdTestSupport
import Foundation
import XCTest

/// End to end on encoded clips: VideoWriter → VideoSource (full frames in the ring) → classic
/// analysis → annotated video, mask outputs and soft-shot report; checked with ffprobe and by
/// decoding the outputs again.
final class AnnotatedVideoTests: XCTestCase {
    static let width = 320, height = 180

    private func run(_ clip: String, sinks makeSinks: (VideoSource) throws -> [FrameSink]) throws -> RunSummary {
        let source = try VideoSource(options: VideoSourceOptions(url: clip))
        return try AnalysisPipeline(source: source, analyzerFactory: AnalysisMethod.classic.makeFactory(),
                                    sinks: try makeSinks(source), options: PipelineOptions(workers: 2)).run()
    }

    func testAnnotatedVideoKeepsFrameCountAndTimestampsAndSoftRangesAreFound() throws {
        let directory = try TemporaryDirectory.make("blurd-output", for: self).path
        let clip = directory + "/soft.mp4", annotated = directory + "/annotated.mp4", prefix = directory + "/report"
        let soft = 20..<40
        try TestClips.encode(to: clip, width: Self.width, height: Self.height, frames: 60) { index in
            let frame = TestClips.blocks(width: Self.width, height: Self.height, shift: 2 * index, seed: 7)
            return soft.contains(index) ? BoxBlur.apply(frame, radius: 2, passes: 3) : frame
        }
        let summary = try run(clip) { source in
            [try AnnotatedVideoSink(path: annotated, source: source, audio: nil),
             try SoftShotReportSink(prefix: prefix, title: "soft.mp4", frameRate: source.info.frameRate,
                                    criteria: SoftShotCriteria(minimumSeconds: 0.2))]
        }
        XCTAssertEqual(summary.framesAnalysed, 60)

        let input = try ProbeReference(path: clip).frames.map(\.pts)
        let output = try ProbeReference(path: annotated).frames.map(\.pts)
        XCTAssertEqual(input.count, 60)
        XCTAssertEqual(output.count, input.count)
        for (a, b) in zip(input, output) { XCTAssertEqual(a, b, accuracy: 0.0005) }

        let segments = try SoftShotCSV.parse(String(contentsOfFile: prefix + ".csv", encoding: .utf8))
        XCTAssertEqual(segments.count, 1, "segments \(segments)")
        XCTAssertEqual(Double(segments.first?.startFrame ?? -9), Double(soft.lowerBound), accuracy: 1)
        XCTAssertEqual(Double(segments.first?.endFrame ?? -9), Double(soft.upperBound), accuracy: 1)
        let edl = try String(contentsOfFile: prefix + ".edl", encoding: .utf8)
        let timecode = TimecodeFormat(frameRate: 25)
        let inPoint = timecode.string(frame: segments.first?.startFrame ?? 0)
        let outPoint = timecode.string(frame: segments.first?.endFrame ?? 0)
        XCTAssertTrue(edl.contains("001  AX       V     C        \(inPoint) \(outPoint) \(inPoint) \(outPoint)"), edl)
        XCTAssertTrue(FileManager.default.fileExists(atPath: prefix + ".svg"))
    }

    func testNTSCRateIsKeptAndTheReportUsesDropFrameTimecode() throws {
        let directory = try TemporaryDirectory.make("blurd-output", for: self).path
        let clip = directory + "/ntsc.mp4", annotated = directory + "/annotated.mp4", prefix = directory + "/report"
        var options = VideoWriterOptions(path: clip, width: Self.width, height: Self.height, frameRate: 30)
        options.exactFrameRate = MediaRational(30000, 1001)
        options.timeBase = MediaRational(1001, 30000)
        options.preset = "veryfast"
        let writer = try VideoWriter(options: options)
        for index in 0..<40 {
            let frame = TestClips.blocks(width: Self.width, height: Self.height, shift: index, seed: 11)
            try writer.write(gray: (10..<30).contains(index) ? BoxBlur.apply(frame, radius: 2, passes: 3) : frame, pts: Int64(index))
        }
        try writer.finish()

        _ = try run(clip) { source in
            XCTAssertEqual(source.info.exactFrameRate, MediaRational(30000, 1001))
            return [try AnnotatedVideoSink(path: annotated, source: source, audio: nil),
                    try SoftShotReportSink(prefix: prefix, title: "ntsc.mp4", frameRate: source.info.frameRate,
                                           criteria: SoftShotCriteria(minimumSeconds: 0.2))]
        }
        let input = try ProbeReference(path: clip).frames.map(\.pts)
        let output = try ProbeReference(path: annotated).frames.map(\.pts)
        XCTAssertEqual(output.count, 40)
        for (a, b) in zip(input, output) { XCTAssertEqual(a, b, accuracy: 0.0005) }
        let edl = try String(contentsOfFile: prefix + ".edl", encoding: .utf8)
        XCTAssertTrue(edl.contains("FCM: DROP FRAME\r\n"), edl)
        let segments = try SoftShotCSV.parse(String(contentsOfFile: prefix + ".csv", encoding: .utf8))
        XCTAssertEqual(Double(segments.first?.startFrame ?? -9), 10, accuracy: 1)
        XCTAssertEqual(Double(segments.first?.endFrame ?? -9), 30, accuracy: 1)
        let inPoint = TimecodeFormat(frameRate: 30000.0 / 1001).string(frame: segments.first?.startFrame ?? 0)
        XCTAssertTrue(inPoint.contains(";"))
        XCTAssertTrue(edl.contains("001  AX       V     C        \(inPoint) "), edl)
    }

    func testOverlayAndFullMasksMarkOnlyTheBlurredHalf() throws {
        let directory = try TemporaryDirectory.make("blurd-output", for: self).path
        let clip = directory + "/half.mp4", annotated = directory + "/annotated.mkv"
        let masks = directory + "/masks", maskVideo = directory + "/mask.mkv"
        try TestClips.encode(to: clip, width: Self.width, height: Self.height, frames: 6) { index in
            BoxBlur.apply(TestClips.blocks(width: Self.width, height: Self.height, shift: index, seed: 3),
                          radius: 2, passes: 3, toX: Self.width / 2)
        }
        _ = try run(clip) { source in
            [try AnnotatedVideoSink(path: annotated, source: source, audio: nil),
             try FullResolutionMaskSink(directory: masks, width: Self.width, height: Self.height),
             try MaskVideoSink(path: maskVideo, stream: source.info)]
        }

        // Decode the annotated video in colour: red-yellow chroma left, grey chroma right.
        let source = try VideoSource(options: VideoSourceOptions(url: annotated))
        var luma = GrayImage(width: 0, height: 0), picture = YUV420Image(width: 2, height: 2)
        var decoded = 0
        while try source.nextFrame(into: &luma, fullFrame: &picture) != nil {
            decoded += 1
            let chromaWidth = picture.chromaWidth
            func meanV(_ xs: Range<Int>) -> Double {
                var sum = 0, count = 0
                for y in 30..<picture.chromaHeight { for x in xs { sum += Int(picture.v[y * chromaWidth + x]); count += 1 } }
                return Double(sum) / Double(count)
            }
            XCTAssertGreaterThan(meanV(4..<60), 160, "blurred half lacks the overlay")
            XCTAssertEqual(meanV(100..<156), 128, accuracy: 3, "sharp half got colour")
        }
        XCTAssertEqual(decoded, 6)

        let png = try ImageFile.loadGray(masks + "/" + FullResolutionMaskSink.fileName(frame: 3))
        XCTAssertEqual(png.width, Self.width)
        XCTAssertEqual(png.height, Self.height)
        XCTAssertGreaterThan(png[40, 90], 200)
        XCTAssertLessThan(png[280, 90], 50)

        var options = VideoSourceOptions(url: maskVideo)
        options.analysisLongSide = nil
        let maskSource = try VideoSource(options: options)
        var mask = GrayImage(width: 0, height: 0), maskFrames = 0
        while try maskSource.nextFrame(into: &mask) != nil {
            maskFrames += 1
            XCTAssertGreaterThan(mask[40, 90], 200)
            XCTAssertLessThan(mask[280, 90], 50)
        }
        XCTAssertEqual(maskFrames, 6)
    }
}
