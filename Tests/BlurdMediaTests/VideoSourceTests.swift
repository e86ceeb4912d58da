import BlurdCore
import BlurdMedia
import BlurdCore
import BlurdTestSupport
import Foundation
import XCTest

final class VideoSourceTests: XCTestCase {
    private func decodeAll(_ options: VideoSourceOptions) throws -> (frames: [FrameMeta], source: VideoSource) {
        let source = try VideoSource(options: options)
        var luma = GrayImage(width: 0, height: 0)
        var frames: [FrameMeta] = []
        while let meta = try source.nextFrame(into: &luma) {
            XCTAssertEqual(luma.width, source.info.analysisWidth)
            XCTAssertEqual(luma.height, source.info.analysisHeight)
            frames.append(meta)
        }
        return (frames, source)
    }

    private func clip(_ name: String, frames: Int = 50, width: Int = 320, height: Int = 240,
                      gopSize: Int = 12) throws -> String {
        let directory = try TemporaryDirectory.make("blurd-media", for: self)
        return try TestMedia.makeClip(at: directory.appendingPathComponent(name).path, frames: frames,
                                      width: width, height: height, gopSize: gopSize)
    }

    func testFrameCountPtsAndKeyframesMatchFFprobe() throws {
        for name in ["clip.mp4", "clip.ts", "clip.mkv"] {
            let path = try clip(name)
            let reference = try ProbeReference(path: path)
            XCTAssertEqual(reference.frames.count, 50, name)
            // VideoWriter stamps frame n at n / 25 s.
            for (n, pts) in reference.relativePts.enumerated() {
                XCTAssertEqual(pts, Double(n) / 25, accuracy: 1e-3, "\(name) frame \(n)")
            }
            let (frames, source) = try decodeAll(VideoSourceOptions(url: path))
            XCTAssertEqual(frames.count, reference.frames.count, name)
            XCTAssertEqual(frames.map(\.index), Array(0..<frames.count), name)
            for (meta, expected) in zip(frames, zip(reference.relativePts, reference.frames)) {
                XCTAssertEqual(meta.pts, expected.0, accuracy: 1e-4, "\(name) frame \(meta.index)")
                XCTAssertEqual(meta.isKeyframe, expected.1.isKeyframe, "\(name) frame \(meta.index)")
            }
            XCTAssertEqual(source.stats.framesDecoded, 50)
            XCTAssertEqual(source.stats.framesDelivered, 50)
            XCTAssertEqual(source.stats.corruptPackets, 0)
            XCTAssertEqual(source.info.frameRate ?? 0, 25, accuracy: 0.01)
            XCTAssertEqual(source.info.durationSeconds ?? 0, 2.0, accuracy: 0.1, name)
            XCTAssertEqual(source.info.codecName, "h264")
            XCTAssertFalse(source.info.isLive)
        }
    }

    func testAnalysisSizeKeepsAspectAndLumaValues() throws {
        let path = try clip("wide.mp4", frames: 3, width: 960, height: 540)
        var options = VideoSourceOptions(url: path)
        let source = try VideoSource(options: options)
        XCTAssertEqual(source.info.width, 960)
        XCTAssertEqual(source.info.height, 540)
        XCTAssertEqual(source.info.analysisWidth, 640)
        XCTAssertEqual(source.info.analysisHeight, 360)

        options.analysisLongSide = nil
        let fullSource = try VideoSource(options: options)
        XCTAssertEqual(fullSource.info.analysisWidth, 960)
        XCTAssertEqual(fullSource.info.analysisHeight, 540)
        var luma = GrayImage(width: 0, height: 0)
        XCTAssertNotNil(try fullSource.nextFrame(into: &luma))
        // Luma code values come back as written (no limited→full range stretch), up to coding loss.
        let original = TestMedia.patternFrame(0, width: 960, height: 540)
        let meanError = zip(original.pixels, luma.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) }
            / Double(original.pixels.count)
        XCTAssertLessThan(meanError, 4, "mean absolute error \(meanError)")
    }

    func testLumaStorageIsReusedAcrossFrames() throws {
        let path = try clip("reuse.mp4", frames: 10)
        let source = try VideoSource(options: VideoSourceOptions(url: path))
        var luma = GrayImage(width: source.info.analysisWidth, height: source.info.analysisHeight)
        let before = luma.pixels.withUnsafeBufferPointer { $0.baseAddress }
        var count = 0
        while try source.nextFrame(into: &luma) != nil { count += 1 }
        XCTAssertEqual(count, 10)
        XCTAssertEqual(luma.pixels.withUnsafeBufferPointer { $0.baseAddress }, before)
    }

    func testEveryFpsStartAndDurationSelectTheRightFrames() throws {
        let path = try clip("select.mp4")
        var options = VideoSourceOptions(url: path)
        options.every = 5
        XCTAssertEqual(try decodeAll(options).frames.map(\.index), Array(stride(from: 0, to: 50, by: 5)))

        options = VideoSourceOptions(url: path)
        options.fps = 10
        let tenFps = try decodeAll(options).frames
        XCTAssertEqual(tenFps.count, 20)
        XCTAssertEqual(tenFps.map(\.index), [0, 3, 5, 8, 10, 13, 15, 18, 20, 23, 25, 28, 30, 33, 35, 38, 40, 43, 45, 48])

        options = VideoSourceOptions(url: path)
        options.start = 1.0
        let fromOne = try decodeAll(options)
        XCTAssertEqual(fromOne.frames.map(\.index), Array(25..<50))
        XCTAssertEqual(fromOne.frames.first?.pts ?? -1, 1.0, accuracy: 1e-4)

        options = VideoSourceOptions(url: path)
        options.start = 0.4
        options.duration = 0.4
        options.every = 2
        XCTAssertEqual(try decodeAll(options).frames.map(\.index), [10, 12, 14, 16, 18])
    }

    func testResolutionChangeMidStreamKeepsTheAnalysisSize() throws {
        // Byte-concatenated MPEG-TS segments, as a camera that switches resolution produces.
        let small = try clip("small.ts", frames: 25, width: 320, height: 240)
        let large = try clip("large.ts", frames: 25, width: 640, height: 360)
        let joined = URL(fileURLWithPath: small).deletingLastPathComponent().appendingPathComponent("joined.ts")
        try (Data(contentsOf: URL(fileURLWithPath: small)) + Data(contentsOf: URL(fileURLWithPath: large))).write(to: joined)
        var options = VideoSourceOptions(url: joined.path)
        options.analysisLongSide = nil
        let (frames, source) = try decodeAll(options)
        XCTAssertEqual(source.info.analysisWidth, 320)
        XCTAssertEqual(source.info.analysisHeight, 240)
        XCTAssertEqual(frames.count, 50)
    }

    func testKeyframesOnlyDeliversExactlyTheKeyFrames() throws {
        let path = try clip("gop.ts", gopSize: 10)
        let reference = try ProbeReference(path: path)
        let expected = zip(reference.relativePts, reference.frames).filter { $0.1.isKeyframe }.map(\.0)
        XCTAssertGreaterThanOrEqual(expected.count, 5)
        var options = VideoSourceOptions(url: path)
        options.keyframesOnly = true
        let (frames, source) = try decodeAll(options)
        XCTAssertEqual(frames.count, expected.count)
        XCTAssertTrue(frames.allSatisfy(\.isKeyframe))
        for (meta, pts) in zip(frames, expected) {
            XCTAssertEqual(meta.pts, pts, accuracy: 1e-4)
        }
        XCTAssertEqual(source.stats.framesDecoded, expected.count)
    }

    func testCorruptFilesDecodeAndCountDamage() throws {
        for name in ["corrupt.ts", "corrupt.mp4"] {
            let path = try clip(name, frames: 100)
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            var generator = SeededRandom(seed: 7)
            for chunk in 0..<8 {
                let offset = bytes.count * (30 + chunk * 5) / 100
                for i in offset..<(offset + 400) { bytes[i] = UInt8(truncatingIfNeeded: generator.next()) }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            // One decoder thread: with frame threads, whether H.264 flags or silently conceals a
            // damaged slice depends on thread timing, and the counts below would be flaky.
            var options = VideoSourceOptions(url: path)
            options.decoderThreads = 1
            let (frames, source) = try decodeAll(options)
            let stats = source.stats
            if name.hasSuffix(".ts") {
                // MPEG-TS continuity errors make the demuxer flag the damaged packets.
                XCTAssertGreaterThan(stats.corruptPackets, 0, "\(stats)")
            }
            XCTAssertGreaterThan(stats.corruptPackets + stats.decodeErrors, 0, "\(name) \(stats)")
            XCTAssertEqual(stats.framesDelivered, frames.count)
            XCTAssertEqual(stats.framesDecoded, frames.count + stats.decodeErrors, "\(name) \(stats)")
            XCTAssertGreaterThan(frames.count, 50, name)
            XCTAssertLessThan(frames.count, 100, name)
            XCTAssertEqual(frames.map(\.pts), frames.map(\.pts).sorted(), name)
        }
    }

    func testTruncatedFileYieldsTheFramesBeforeTheCut() throws {
        let path = try clip("cut.ts", frames: 50)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count * 60 / 100).write(to: URL(fileURLWithPath: path))
        let reference = try ProbeReference(path: path)
        let (frames, _) = try decodeAll(VideoSourceOptions(url: path))
        XCTAssertGreaterThanOrEqual(frames.count, 20)
        XCTAssertLessThan(frames.count, 50)
        XCTAssertLessThanOrEqual(abs(frames.count - reference.frames.count), 1,
                                 "decoded \(frames.count), ffprobe \(reference.frames.count)")
        XCTAssertEqual(frames.map(\.index), Array(0..<frames.count))
    }

    func testInterruptEndsTheStreamEarly() throws {
        let path = try clip("stop.ts", frames: 50)
        let source = try VideoSource(options: VideoSourceOptions(url: path))
        var luma = GrayImage(width: 0, height: 0)
        XCTAssertNotNil(try source.nextFrame(into: &luma))
        source.interrupt()
        var more = 0
        while try source.nextFrame(into: &luma) != nil { more += 1 }
        XCTAssertLessThan(more + 1, 50)
    }

    func testInterruptUnblocksALiveReadWithoutError() throws {
        let path = try clip("live.ts", frames: 50)
        let server = try LocalStreamServer(payload: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        defer { server.stop() }
        var options = VideoSourceOptions(url: "tcp://127.0.0.1:\(server.port)")
        // Far longer than the test: if interrupt() did not unblock the read, the timeout error fails it.
        options.timeoutSeconds = 60
        let source = try VideoSource(options: options)
        XCTAssertTrue(source.info.isLive)
        XCTAssertNil(source.info.durationSeconds)
        var luma = GrayImage(width: 0, height: 0)
        var delivered = 0
        while try source.nextFrame(into: &luma) != nil {
            delivered += 1
            if delivered == 30 {
                // interrupt() is safe from any thread.
                let interrupting = HandedOver(source)
                DispatchQueue.global().async { interrupting.value.interrupt() }
            }
        }
        XCTAssertGreaterThanOrEqual(delivered, 30)
        XCTAssertLessThanOrEqual(delivered, 50)
    }

    func testSilentNetworkInputTimesOut() throws {
        var options = VideoSourceOptions(url: "udp://127.0.0.1:\(Int.random(in: 40000..<60000))")
        options.timeoutSeconds = 1
        XCTAssertThrowsError(try VideoSource(options: options)) {
            XCTAssertEqual(($0 as? MediaError)?.exitCode, 4, "\($0)")
        }
    }

    func testOpenErrorsAreDistinct() throws {
        let directory = try TemporaryDirectory.make("blurd-media", for: self)
        XCTAssertThrowsError(try VideoSource(options: VideoSourceOptions(url: directory.appendingPathComponent("none.mp4").path))) {
            XCTAssertEqual(($0 as? MediaError)?.exitCode, 3, "\($0)")
        }

        let text = directory.appendingPathComponent("notes.txt")
        try String(repeating: "just some text, not a video\n", count: 200).write(to: text, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try VideoSource(options: VideoSourceOptions(url: text.path))) {
            let code = ($0 as? MediaError)?.exitCode
            XCTAssertTrue(code == 4 || code == 5, "\($0)")
        }

        let audio = directory.appendingPathComponent("tone.wav").path
        _ = try ExternalTool.output("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", audio])
        XCTAssertThrowsError(try VideoSource(options: VideoSourceOptions(url: audio))) {
            guard case MediaError.noVideoStream = $0 else { return XCTFail("got \($0)") }
            XCTAssertEqual(($0 as? MediaError)?.exitCode, 5)
        }

        var bad = VideoSourceOptions(url: audio)
        bad.every = 0
        XCTAssertThrowsError(try VideoSource(options: bad)) { XCTAssertEqual(($0 as? MediaError)?.exitCode, 2) }

        XCTAssertThrowsError(try VideoSource(options: {
            var options = VideoSourceOptions(url: "tcp://127.0.0.1:9")
            options.timeoutSeconds = 2
            return options
        }())) { XCTAssertEqual(($0 as? MediaError)?.exitCode, 4, "\($0)") }
    }
}
