import BlurdCore
import BlurdMedia
import BlurdTestSupport
import Foundation
import XCTest

final class AnalyzeCommandTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory.make("blurd-cli", for: self)
    }

    private func makeClip(_ name: String, frames: Int, width: Int = 320, height: Int = 180) throws -> String {
        try CLIClips.make(at: directory.appendingPathComponent(name).path, frames: frames, width: width, height: height)
    }

    func testOneLinePerFrameWithPtsAndASummary() throws {
        let clip = try makeClip("clip.mp4", frames: 30)
        let masks = directory.appendingPathComponent("masks").path
        let outcome = try BlurdProcess.run(["analyze", clip, "--workers", "4", "--masks", masks])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let lines = outcome.lines
        XCTAssertEqual(lines.count, 31)
        for (index, line) in lines.dropLast().enumerated() {
            let json = try BlurdProcess.json(line)
            XCTAssertEqual(json["frame"] as? Int, index)
            XCTAssertEqual(try XCTUnwrap(json["pts"] as? Double), Double(index) / 25, accuracy: 1e-6)
            XCTAssertEqual(json["state"] as? String, "ok")
            XCTAssertEqual(json["method"] as? String, "cnn")
            XCTAssertEqual(json["width"] as? Int, 320)
            XCTAssertNotNil(json["mask"] as? [String: Any])
        }
        let summary = try XCTUnwrap(try BlurdProcess.json(XCTUnwrap(lines.last))["summary"] as? [String: Any])
        XCTAssertEqual(summary["frames_analysed"] as? Int, 30)
        XCTAssertEqual(summary["frames_decoded"] as? Int, 30)
        XCTAssertEqual(summary["frames_dropped"] as? Int, 0)
        XCTAssertTrue(outcome.stderr.contains("30 analysed"), outcome.stderr)
        let pgms = try FileManager.default.contentsOfDirectory(atPath: masks).filter { $0.hasSuffix(".pgm") }
        XCTAssertEqual(pgms.count, 30)
        XCTAssertTrue(pgms.contains("frame_000029.pgm"))
    }

    func testFrameCountAndPtsEqualWhatFFprobeReports() throws {
        let clip = try makeClip("probe.mp4", frames: 37)
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "stream=start_time:frame=pts_time", "-of", "json", clip]
        let pipe = Pipe()
        probe.standardOutput = pipe
        do { try probe.run() } catch { throw XCTSkip("ffprobe not available") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        probe.waitUntilExit()
        XCTAssertEqual(probe.terminationStatus, 0)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let streams = try XCTUnwrap(report["streams"] as? [[String: Any]])
        let start = try XCTUnwrap(Double(try XCTUnwrap(streams.first?["start_time"] as? String)))
        let frames = try XCTUnwrap(report["frames"] as? [[String: Any]])
        let probed = try frames.map { try XCTUnwrap(Double(try XCTUnwrap($0["pts_time"] as? String))) - start }

        let outcome = try BlurdProcess.run(["analyze", clip])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let pts = try outcome.lines.dropLast().map { try XCTUnwrap(BlurdProcess.json($0)["pts"] as? Double) }
        XCTAssertEqual(pts.count, 37)
        XCTAssertEqual(pts.count, probed.count)
        for (ours, theirs) in zip(pts, probed) { XCTAssertEqual(ours, theirs, accuracy: 1e-6) }
    }

    func testMissingFileExitsWithThree() throws {
        let outcome = try BlurdProcess.run(["analyze", directory.appendingPathComponent("nope.mp4").path])
        XCTAssertEqual(outcome.status, 3)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
        XCTAssertTrue(outcome.stdout.isEmpty)
    }

    func testAudioOnlyFileExitsWithFive() throws {
        // A one-second 8 kHz mono 16-bit WAV of silence, written by hand.
        let samples = 8000
        var wav = Data("RIFF".utf8)
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { wav.append(contentsOf: $0) } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { wav.append(contentsOf: $0) } }
        append32(UInt32(36 + 2 * samples))
        wav.append(contentsOf: Array("WAVEfmt ".utf8))
        append32(16); append16(1); append16(1); append32(8000); append32(16000); append16(2); append16(16)
        wav.append(contentsOf: Array("data".utf8))
        append32(UInt32(2 * samples))
        wav.append(Data(count: 2 * samples))
        let path = directory.appendingPathComponent("audio.wav").path
        try wav.write(to: URL(fileURLWithPath: path))
        let outcome = try BlurdProcess.run(["analyze", path])
        XCTAssertEqual(outcome.status, 5, outcome.stderr)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
    }

    func testTextFileIsRejectedWithOneLine() throws {
        let path = directory.appendingPathComponent("notes.txt").path
        try Data("this is not a video\n".utf8).write(to: URL(fileURLWithPath: path))
        let outcome = try BlurdProcess.run(["analyze", path])
        XCTAssertTrue([4, 5].contains(outcome.status), "exit \(outcome.status): \(outcome.stderr)")
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
    }

    func testBadArgumentsExitWithTwo() throws {
        let clip = try makeClip("clip.mp4", frames: 2)
        XCTAssertEqual(try BlurdProcess.run(["analyze", clip, "--method", "magic"]).status, 2)
        XCTAssertEqual(try BlurdProcess.run(["analyze", clip, "--drop-policy", "sometimes"]).status, 2)
        XCTAssertEqual(try BlurdProcess.run(["analyze", clip, "--workers", "0"]).status, 2)
        XCTAssertEqual(try BlurdProcess.run(["analyze", clip, "--every", "0"]).status, 2)
    }

    func testASilentPipeEndsAfterTheGivenTimeout() throws {
        let silent = Pipe()
        defer { try? silent.fileHandleForWriting.close() }
        let outcome = try BlurdProcess.run(["analyze", "pipe:0", "--timeout", "0.5"], input: silent)
        XCTAssertEqual(outcome.status, 4, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("timed out after 0.5 s"), outcome.stderr)
        XCTAssertEqual(try BlurdProcess.run(["analyze", "pipe:0", "--timeout", "0"]).status, 2)
    }

    func testTruncatedFileStillYieldsFrames() throws {
        let clip = try makeClip("clip.ts", frames: 60)
        let data = try Data(contentsOf: URL(fileURLWithPath: clip))
        let truncated = directory.appendingPathComponent("truncated.ts")
        try data.prefix(data.count / 2).write(to: truncated)
        let outcome = try BlurdProcess.run(["analyze", truncated.path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let frames = outcome.lines.dropLast().count
        XCTAssertGreaterThan(frames, 5)
        XCTAssertLessThan(frames, 60)
        let summary = try XCTUnwrap(try BlurdProcess.json(XCTUnwrap(outcome.lines.last))["summary"] as? [String: Any])
        XCTAssertEqual(summary["frames_analysed"] as? Int, frames)
    }

    func testSigtermMidRunExitsZeroWithCompleteLinesAndSummary() throws {
        let clip = try makeClip("long.mp4", frames: 3000, width: 640, height: 360)
        let (process, out, err) = try BlurdProcess.start(["analyze", clip, "--workers", "1", "--full-resolution"])
        let reader = out.fileHandleForReading
        var received = Data()
        // Wait for the first complete line, then ask blurd to stop.
        while !received.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        XCTAssertTrue(process.isRunning, "the clip ended before the signal could be sent")
        kill(process.processIdentifier, SIGTERM)
        received.append(reader.readDataToEndOfFile())
        _ = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()

        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
        let text = String(decoding: received, as: UTF8.self)
        XCTAssertTrue(text.hasSuffix("\n"), "the last line is incomplete")
        let lines = text.split(separator: "\n").map(String.init)
        for line in lines { _ = try BlurdProcess.json(line) }
        let summary = try XCTUnwrap(try BlurdProcess.json(XCTUnwrap(lines.last))["summary"] as? [String: Any])
        XCTAssertEqual(summary["interrupted"] as? Bool, true)
        XCTAssertEqual(summary["frames_analysed"] as? Int, lines.count - 1)
        XCTAssertLessThan(lines.count - 1, 3000)
        XCTAssertEqual(try lines.dropLast().map { try BlurdProcess.json($0)["frame"] as? Int },
                       Array(0..<(lines.count - 1)))
    }
}
