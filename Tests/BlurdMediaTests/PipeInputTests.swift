import BlurdCore
import BlurdMedia
import BlurdTestSupport
import Foundation
import XCTest

/// `pipe:N` inputs and FIFO paths: read through blurd's polling reader, they decode like files,
/// and a pipe that stays open and silent no longer blocks forever: a stop request or the read
/// timeout ends it.
final class PipeInputTests: XCTestCase {
    /// Far beyond every wait below; reached only when a blocked read was not ended.
    private let hangDeadline: TimeInterval = 30

    private func clipBytes(frames: Int) throws -> Data {
        let directory = try TemporaryDirectory.make("blurd-pipe", for: self)
        let path = try TestMedia.makeClip(at: directory.appendingPathComponent("clip.ts").path, frames: frames)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Runs `body` on another thread and waits for it up to `hangDeadline`; on a hang, `unblock`
    /// runs (closing the pipe's write end ends any read), the wait is repeated and the test fails.
    private func finishes<T>(_ what: String, unblock: () -> Void, _ body: @escaping @Sendable () -> T) -> T? {
        let result = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            result.value = body()
            done.signal()
        }
        if done.wait(timeout: .now() + hangDeadline) == .timedOut {
            XCTFail("\(what) still blocked after \(hangDeadline) s")
            unblock()
            done.wait()
            return nil
        }
        return result.value
    }

    func testAPipeDecodesLikeTheFileItCarries() throws {
        let bytes = try clipBytes(frames: 50)
        let pipe = Pipe()
        DispatchQueue.global().async {
            pipe.fileHandleForWriting.write(bytes)
            try? pipe.fileHandleForWriting.close()
        }
        let source = try VideoSource(options: VideoSourceOptions(url: "pipe:\(pipe.fileHandleForReading.fileDescriptor)"))
        XCTAssertTrue(source.info.isLive)
        XCTAssertEqual(source.info.width, 320)
        var luma = GrayImage(width: 0, height: 0)
        var indices: [Int] = []
        while let meta = try source.nextFrame(into: &luma) { indices.append(meta.index) }
        XCTAssertEqual(indices, Array(0..<50))
        XCTAssertEqual(source.stats.corruptPackets, 0)
    }

    /// Nothing is ever written and the write end stays open: only the stop request can end the
    /// opening (the timeout is far longer than the test).
    func testAStopRequestEndsTheOpeningOfASilentPipe() throws {
        let pipe = Pipe()
        var options = VideoSourceOptions(url: "pipe:\(pipe.fileHandleForReading.fileDescriptor)")
        options.timeoutSeconds = 3600
        let interrupt = InputInterrupt()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { interrupt.request() }
        let outcome = finishes("opening a silent pipe", unblock: { try? pipe.fileHandleForWriting.close() }) { [options] in
            Result { try VideoSource(options: options, interrupt: interrupt) }
        }
        guard case .failure(let error)? = outcome else { return XCTFail("opened: \(String(describing: outcome))") }
        XCTAssertEqual(error as? MediaError, .openFailed(url: options.url, reason: "stopped before the input opened"))
        XCTAssertTrue(interrupt.isRequested)
    }

    func testASilentPipeTimesOutWhileOpening() throws {
        let pipe = Pipe()
        var options = VideoSourceOptions(url: "pipe:\(pipe.fileHandleForReading.fileDescriptor)")
        options.timeoutSeconds = 1
        let outcome = finishes("opening a silent pipe", unblock: { try? pipe.fileHandleForWriting.close() }) { [options] in
            Result { try VideoSource(options: options) }
        }
        guard case .failure(let error)? = outcome else { return XCTFail("opened: \(String(describing: outcome))") }
        XCTAssertEqual(error as? MediaError, .openFailed(url: options.url, reason: "timed out after 1.0 s"))
        XCTAssertEqual((error as? MediaError)?.exitCode, 4)
    }

    /// Half a clip, then the writer goes quiet with the pipe open: `interrupt()` from another
    /// thread ends the blocked read, and what was decoded is delivered without an error.
    func testInterruptEndsAReadThatWaitsOnAStalledPipe() throws {
        let bytes = try clipBytes(frames: 100)
        let pipe = Pipe()
        DispatchQueue.global().async { pipe.fileHandleForWriting.write(bytes.prefix(bytes.count / 2)) }
        var options = VideoSourceOptions(url: "pipe:\(pipe.fileHandleForReading.fileDescriptor)")
        options.timeoutSeconds = 3600
        // Read only by the `finishes` thread; interrupt() is safe from any thread.
        let source = HandedOver(try VideoSource(options: options))
        let outcome = finishes("reading a stalled pipe", unblock: { try? pipe.fileHandleForWriting.close() }) {
            Result { () -> Int in
                var luma = GrayImage(width: 0, height: 0)
                var delivered = 0
                while try source.value.nextFrame(into: &luma) != nil {
                    delivered += 1
                    if delivered == 10 { DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { source.value.interrupt() } }
                }
                return delivered
            }
        }
        let delivered = try XCTUnwrap(outcome).get()
        XCTAssertGreaterThanOrEqual(delivered, 10)
        XCTAssertLessThan(delivered, 100)
    }

    /// Half a clip, then silence: the read timeout turns the stall into an I/O error (exit 7),
    /// as it does for a silent network stream.
    func testAStalledPipeTimesOutWithAnIOError() throws {
        let bytes = try clipBytes(frames: 100)
        let pipe = Pipe()
        DispatchQueue.global().async { pipe.fileHandleForWriting.write(bytes.prefix(bytes.count / 2)) }
        var options = VideoSourceOptions(url: "pipe:\(pipe.fileHandleForReading.fileDescriptor)")
        options.timeoutSeconds = 1
        // Read only by the `finishes` thread.
        let source = HandedOver(try VideoSource(options: options))
        let outcome = finishes("reading a stalled pipe", unblock: { try? pipe.fileHandleForWriting.close() }) {
            Result { () -> Int in
                var luma = GrayImage(width: 0, height: 0)
                var delivered = 0
                while try source.value.nextFrame(into: &luma) != nil { delivered += 1 }
                return delivered
            }
        }
        guard case .failure(let error)? = outcome else { return XCTFail("ended without error: \(String(describing: outcome))") }
        XCTAssertEqual(error as? MediaError, .ioError("no data from \(options.url) for 1.0 s"))
    }

    /// A named FIFO given as a path: the reader opens it without waiting for a writer, waits for
    /// one that comes later, and decodes what it writes like the file.
    func testANamedFIFODecodesWhatAWriterThatComesLaterSends() throws {
        let bytes = try clipBytes(frames: 50)
        let fifo = try TemporaryDirectory.make("blurd-fifo", for: self).appendingPathComponent("camera.ts").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
            guard let writer = FileHandle(forWritingAtPath: fifo) else { return }
            writer.write(bytes)
            try? writer.close()
        }
        let outcome = finishes("decoding a FIFO", unblock: { _ = FileHandle(forWritingAtPath: fifo) }) {
            Result { () -> (live: Bool, indices: [Int]) in
                let source = try VideoSource(options: VideoSourceOptions(url: fifo))
                var luma = GrayImage(width: 0, height: 0)
                var indices: [Int] = []
                while let meta = try source.nextFrame(into: &luma) { indices.append(meta.index) }
                return (source.info.isLive, indices)
            }
        }
        let decoded = try XCTUnwrap(outcome).get()
        XCTAssertTrue(decoded.live)
        XCTAssertEqual(decoded.indices, Array(0..<50))
    }

    /// A FIFO that no writer ever opens: FFmpeg's file protocol blocked in open(2) forever; now
    /// the stop request ends the opening.
    func testAStopRequestEndsTheOpeningOfAFIFOWithoutAWriter() throws {
        let fifo = try TemporaryDirectory.make("blurd-fifo", for: self).appendingPathComponent("silent").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        var options = VideoSourceOptions(url: fifo)
        options.timeoutSeconds = 3600
        let interrupt = InputInterrupt()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { interrupt.request() }
        let outcome = finishes("opening a FIFO without a writer", unblock: {
            if let writer = FileHandle(forWritingAtPath: fifo) { try? writer.close() }
        }) { [options] in
            Result { try VideoSource(options: options, interrupt: interrupt) }
        }
        guard case .failure(let error)? = outcome else { return XCTFail("opened: \(String(describing: outcome))") }
        XCTAssertEqual(error as? MediaError, .openFailed(url: fifo, reason: "stopped before the input opened"))
    }

    /// `blurd analyze pipe:0` with a standard input that stays open and silent: SIGTERM ends it
    /// with the usual summary (on stderr and as the last JSON line) and exit 0.
    func testSIGTERMEndsAnalyzeOnASilentStandardInput() throws {
        let process = Process()
        process.executableURL = try BlurdExecutable.url()
        process.arguments = ["analyze", "pipe:0", "--method", "classic"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = ResultBox<Data>(), stderr = ResultBox<Data>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stdout.value = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { stderr.value = errors.fileHandleForReading.readDataToEndOfFile() }

        // SIGTERM goes once blurd has taken the signal over (StopSignals), plus half a second for
        // it to block on the pipe.
        let ready = Date()
        while !Self.handlesSIGTERM(process.processIdentifier), process.isRunning, Date().timeIntervalSince(ready) < hangDeadline {
            usleep(20_000)
        }
        usleep(500_000)
        kill(process.processIdentifier, SIGTERM)
        let stopped = Date()
        while process.isRunning, Date().timeIntervalSince(stopped) < hangDeadline { usleep(20_000) }
        if process.isRunning {
            XCTFail("blurd analyze pipe:0 still running \(hangDeadline) s after SIGTERM")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        group.wait()
        try input.fileHandleForWriting.close()

        let log = String(decoding: stderr.value ?? Data(), as: UTF8.self)
        XCTAssertEqual(process.terminationReason, .exit, log)
        XCTAssertEqual(process.terminationStatus, 0, log)
        XCTAssertTrue(log.hasPrefix("blurd: 0 frames decoded, 0 analysed"), log)
        XCTAssertTrue(log.hasSuffix(" (interrupted)\n"), log)
        let lines = String(decoding: stdout.value ?? Data(), as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any])["summary"]
        let fields = try XCTUnwrap(summary as? [String: Any])
        XCTAssertEqual(fields["interrupted"] as? Bool, true)
        XCTAssertEqual(fields["frames_analysed"] as? Int, 0)
    }

    /// Whether the process has taken SIGTERM over (ignored, or caught: libdispatch catches the
    /// signals of its signal sources), from /proc/PID/status.
    private static func handlesSIGTERM(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        let bit = UInt64(1) << UInt64(SIGTERM - 1)
        return ["SigIgn:", "SigCgt:"].contains { field in
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
                  let mask = UInt64(line.dropFirst(field.count).trimmingCharacters(in: .whitespaces), radix: 16)
            else { return false }
            return mask & bit != 0
        }
    }
}

/// A value set by another thread and read after it signalled.
// Unchecked: the thread sets `value` once and then signals; it is read only after that signal
// was waited for, which orders the two accesses.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
