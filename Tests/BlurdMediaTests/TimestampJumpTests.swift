import BlurdCore
import BlurdMedia
import BlurdTestSupport
import Foundation
import XCTest

/// Inputs whose timestamps wrap, go back or leap, made by the ffmpeg CLI and read as files and
/// as live inputs (a pipe): with `fps` sampling, frames keep coming one sampling interval apart
/// in pts, which never go back, and a jump is reported on the frame after it.
final class TimestampJumpTests: XCTestCase {
    /// The sampling interval of the tests (`fps` 5).
    private let interval = 0.2

    private func read(_ url: String) throws -> (frames: [FrameMeta], stats: DecodeStats, isLive: Bool) {
        var options = VideoSourceOptions(url: url)
        options.fps = 1 / interval
        options.analysisLongSide = 160
        let source = try VideoSource(options: options)
        var luma = GrayImage(width: 0, height: 0)
        var frames: [FrameMeta] = []
        while let meta = try source.nextFrame(into: &luma) { frames.append(meta) }
        return (frames, source.stats, source.info.isLive)
    }

    /// Reads `bytes` through `pipe:N`, a live input.
    private func readPiped(_ bytes: Data) throws -> (frames: [FrameMeta], stats: DecodeStats, isLive: Bool) {
        let pipe = Pipe()
        DispatchQueue.global().async {
            pipe.fileHandleForWriting.write(bytes)
            try? pipe.fileHandleForWriting.close()
        }
        defer { try? pipe.fileHandleForReading.close() }
        return try read("pipe:\(pipe.fileHandleForReading.fileDescriptor)")
    }

    /// Consecutive delivered frames are one sampling interval apart (a frame step of slack for
    /// the 25 fps grid), from the first frame to the last: nothing stalled and nothing leapt.
    private func assertSampledEvenly(_ frames: [FrameMeta], expected: Int, file: StaticString = #filePath,
                                     line: UInt = #line) {
        XCTAssertEqual(frames.count, expected, "\(frames.map(\.pts))", file: file, line: line)
        for (previous, next) in zip(frames, frames.dropFirst()) {
            let step = next.pts - previous.pts
            XCTAssertTrue(step >= interval - 1e-3 && step <= interval + 0.04 + 1e-3,
                          "frame \(previous.index) at \(previous.pts) → frame \(next.index) at \(next.pts)",
                          file: file, line: line)
        }
    }

    /// Six seconds whose timestamps cross the 33-bit wrap 2.3 s in (ffmpeg's 1.4 s muxing delay
    /// comes on top of the offset), as a file and piped: one open, in which libavformat unwraps
    /// it; the pts run on with no jump.
    func testAClipAcrossTheMPEGTSWrapIsSampledEvenly() throws {
        let directory = try TemporaryDirectory.make("blurd-wrap", for: self)
        let clip = try TimestampClips.make(at: directory.appendingPathComponent("wrap.ts").path, frames: 150,
                                           offset: TimestampClips.wrapSeconds - 3.7)
        let asFile = try read(clip)
        XCTAssertFalse(asFile.isLive)
        let piped = try readPiped(try Data(contentsOf: URL(fileURLWithPath: clip)))
        XCTAssertTrue(piped.isLive)
        for run in [asFile, piped] {
            assertSampledEvenly(run.frames, expected: 30)
            XCTAssertTrue(run.frames.allSatisfy { $0.discontinuity == nil })
            XCTAssertEqual(run.stats.timestampJumps, 0)
        }
        XCTAssertEqual(asFile.frames, piped.frames)
    }

    /// An encoder restarted in place: three seconds at 100 s, then three seconds starting again
    /// near 0. Piped (live) and as one file alike, the second part follows one frame after the
    /// first and its first sampled frame reports the step back.
    func testAnEncoderRestartedInPlaceContinuesWithinOneInterval() throws {
        let directory = try TemporaryDirectory.make("blurd-restart", for: self)
        let first = try TimestampClips.make(at: directory.appendingPathComponent("a.ts").path, frames: 75, offset: 100)
        let second = try TimestampClips.make(at: directory.appendingPathComponent("b.ts").path, frames: 75)
        let bytes = try TimestampClips.concatenated([first, second])
        let joined = directory.appendingPathComponent("restart.ts")
        try bytes.write(to: joined)
        for run in [try readPiped(bytes), try read(joined.path)] {
            assertSampledEvenly(run.frames, expected: 30)
            XCTAssertEqual(run.stats.timestampJumps, 1)
            let jumps = run.frames.compactMap(\.discontinuity)
            XCTAssertEqual(jumps.count, 1)
            XCTAssertEqual(jumps.first ?? 0, -(100 + 3 - 0.04), accuracy: 0.05)
            XCTAssertEqual(run.stats.framesDecoded, 150)
        }
    }

    /// The copied audio of a restarted encoder follows the pictures across the jump: its packets
    /// keep going forward from where they were and end with the video, instead of falling back
    /// to the raw clock (which would put the second part's sound 100 s before its pictures).
    func testCopiedAudioFollowsTheVideoAcrossAJump() throws {
        let directory = try TemporaryDirectory.make("blurd-restart-audio", for: self)
        let first = try TimestampClips.make(at: directory.appendingPathComponent("a.ts").path, frames: 75, offset: 100,
                                            audio: true)
        let second = try TimestampClips.make(at: directory.appendingPathComponent("b.ts").path, frames: 75, audio: true)
        let joined = directory.appendingPathComponent("restart.ts")
        try TimestampClips.concatenated([first, second]).write(to: joined)

        var options = VideoSourceOptions(url: joined.path)
        options.copyAudio = true
        options.analysisLongSide = 160
        let source = try VideoSource(options: options)
        var audioTimes: [Double?] = []
        source.audioPacketHandler = { packet in audioTimes.append(packet.seconds) }
        var luma = GrayImage(width: 0, height: 0)
        var frames: [FrameMeta] = []
        while let meta = try source.nextFrame(into: &luma) { frames.append(meta) }

        XCTAssertEqual(source.stats.timestampJumps, 1)
        let times = audioTimes.compactMap { $0 }
        XCTAssertGreaterThan(times.count, 200, "MP2 at 48 kHz: 41.7 packets a second for 6 s")
        for (previous, next) in zip(times, times.dropFirst()) {
            XCTAssertTrue(next > previous - 0.1, "audio went back from \(previous) s to \(next) s")
        }
        let lastVideo = try XCTUnwrap(frames.last?.pts)
        XCTAssertEqual(lastVideo, 6 - 0.04, accuracy: 0.05)
        XCTAssertEqual(try XCTUnwrap(times.last), lastVideo, accuracy: 0.3)
    }

    /// A camera whose clock leapt an hour: on a live input the pts continue one frame later and
    /// the leap is reported; a file keeps it, as its own timeline.
    func testAForwardJumpOfAnHourIsContinuedLiveAndKeptInAFile() throws {
        let directory = try TemporaryDirectory.make("blurd-leap", for: self)
        let first = try TimestampClips.make(at: directory.appendingPathComponent("a.ts").path, frames: 75, offset: 10)
        let second = try TimestampClips.make(at: directory.appendingPathComponent("b.ts").path, frames: 75,
                                             offset: 10 + 3 + 3600)
        let bytes = try TimestampClips.concatenated([first, second])
        let live = try readPiped(bytes)
        assertSampledEvenly(live.frames, expected: 30)
        XCTAssertEqual(live.frames.compactMap(\.discontinuity).count, 1)
        XCTAssertEqual(live.frames.compactMap(\.discontinuity).first ?? 0, 3600.04, accuracy: 0.05)

        let joined = directory.appendingPathComponent("leap.ts")
        try bytes.write(to: joined)
        let file = try read(joined.path)
        XCTAssertEqual(file.frames.count, 30)
        XCTAssertTrue(file.frames.allSatisfy { $0.discontinuity == nil })
        XCTAssertEqual((file.frames.last?.pts ?? 0) - (live.frames.last?.pts ?? 0), 3600, accuracy: 0.05)
    }
}

