@testable import BlurdMedia
import BlurdCore
import BlurdCore
import BlurdTestSupport
import CFFmpeg
import Foundation
import Logging
import Synchronization
import XCTest

/// libav*'s messages reach swift-log (level, context name) instead of raw stderr, and a
/// repeated message is written a few times and then counted.
final class FFmpegLogTests: XCTestCase {
    override func tearDown() {
        FFmpegLog.route(to: Logger(label: "ffmpeg") { StreamLogHandler.standardError(label: $0) })
        super.tearDown()
    }

    func testTheLimiterWritesABurstPerWindowThenReportsTheCount() {
        var limiter = LogRateLimiter<String, String>(burst: 3, windowNanoseconds: 100)
        var decisions: [(admitted: Bool, startedSuppressing: Bool)] = []
        for time in 0..<10 {
            decisions.append(limiter.admit("mb", at: UInt64(time)) { "error while decoding MB \(time)" })
        }
        XCTAssertEqual(decisions.map(\.admitted), [true, true, true] + Array(repeating: false, count: 7))
        XCTAssertEqual(decisions.map(\.startedSuppressing), [false, false, false, true] + Array(repeating: false, count: 6))
        // Another kind has its own window.
        XCTAssertTrue(limiter.admit("ref", at: 50) { "Reference 12 >= 4" }.admitted)

        XCTAssertTrue(limiter.expire(at: 99).isEmpty)
        let ended = limiter.expire(at: 100)
        XCTAssertEqual(ended.map(\.kind), ["mb"])
        XCTAssertEqual(ended.map(\.first), ["error while decoding MB 0"])
        XCTAssertEqual(ended.map(\.count), [7])
        // The next message opens a new window; "ref" suppressed nothing, so it ends silently.
        XCTAssertTrue(limiter.admit("mb", at: 120) { "error while decoding MB 120" }.admitted)
        XCTAssertTrue(limiter.expire(at: 150).isEmpty)
        XCTAssertTrue(limiter.admit("ref", at: 151) { "Reference 1 >= 0" }.admitted)
        for time in 152..<160 { _ = limiter.admit("ref", at: UInt64(time)) { "unused" } }
        let all = limiter.expireAll()
        XCTAssertEqual(all.map(\.kind), ["ref"])
        XCTAssertEqual(all.map(\.first), ["Reference 1 >= 0"])
        XCTAssertEqual(all.map(\.count), [6])
    }

    func testLevelsMapOntoSwiftLog() {
        let levels = [AV_LOG_PANIC, AV_LOG_FATAL, AV_LOG_ERROR, AV_LOG_WARNING, AV_LOG_INFO, AV_LOG_VERBOSE,
                      AV_LOG_DEBUG, AV_LOG_TRACE].map(FFmpegLogRouter.loggerLevel)
        XCTAssertEqual(levels, [.critical, .critical, .error, .warning, .debug, .debug, .trace, .trace])
    }

    /// A clip with a third of its bytes overwritten mid-file: H.264 complains about far more
    /// macroblocks than the burst allows. Each message reaches the test handler as an error
    /// from "h264" (and possibly the demuxer), none reaches the process's stderr, each kind
    /// appears at most 5 times, and the rest are counted in a "suppressed" line. Decoding is
    /// unchanged: frames come out and the damage is counted.
    func testADamagedClipLogsThroughSwiftLogRateLimited() throws {
        let directory = try TemporaryDirectory.make("blurd-log", for: self)
        let path = try makeDamagedClip(named: "damaged.ts", in: directory, seed: 11)

        let log = CapturedLog()
        FFmpegLog.route(to: log.logger)
        var options = VideoSourceOptions(url: path)
        options.decoderThreads = 1
        var frames = 0
        var stats = DecodeStats()
        let stderr = try capturingStandardError(in: directory) {
            let source = try VideoSource(options: options)
            var luma = GrayImage(width: 0, height: 0)
            while try source.nextFrame(into: &luma) != nil { frames += 1 }
            stats = source.stats
        }
        // Routing elsewhere closes the open windows and reports their counts to this handler.
        FFmpegLog.route(to: Logger(label: "ffmpeg", factory: { _ in SwiftLogNoOpLogHandler() }))

        XCTAssertEqual(stderr, "")
        XCTAssertGreaterThan(frames, 30)
        XCTAssertLessThan(frames, 100)
        XCTAssertGreaterThan(stats.corruptPackets + stats.decodeErrors, 0, "\(stats)")

        let records = log.records
        let decoding = records.filter { $0.message.hasPrefix("error while decoding MB ") }
        XCTAssertFalse(decoding.isEmpty, "\(records)")
        XCTAssertTrue(decoding.allSatisfy { $0.level == .error && $0.metadata["ffmpeg"] == "h264" }, "\(decoding)")
        let suppressed = records.filter { $0.message.hasPrefix("suppressed ") }
        let decodingSuppressed = try XCTUnwrap(suppressed.first { $0.message.contains("(first: error while decoding MB ") },
                                               "\(records)")
        XCTAssertEqual(decodingSuppressed.level, .error)
        XCTAssertEqual(decodingSuppressed.metadata["ffmpeg"], "h264")
        let count = try XCTUnwrap(Int(decodingSuppressed.message.split(separator: " ")[1]))
        XCTAssertGreaterThan(count, 0)
        XCTAssertEqual(decoding.count, 5, "more than 5 were made, so 5 were written")
        XCTAssertTrue(records.allSatisfy { $0.metadata["ffmpeg"] != nil && !$0.message.contains("@ 0x") }, "\(records)")
        XCTAssertTrue(records.allSatisfy { $0.metadata["stream"] == nil }, "a source without a label: \(records)")
    }

    /// Two damaged clips decoded at the same time by sources labelled "a" and "b", with frame
    /// threads (whose copies of the codec context log the decoding errors): every message of
    /// each names its stream, and each stream gets its own 5 "error while decoding MB" lines
    /// and its own "suppressed" count, so one broken stream does not silence the other.
    func testEachSourcesMessagesCarryItsLabelAndAreLimitedPerStream() throws {
        let directory = try TemporaryDirectory.make("blurd-log-labels", for: self)
        let labels = ["a", "b"]
        let log = CapturedLog()
        FFmpegLog.route(to: log.logger)
        var sources: [VideoSource] = []
        for (index, label) in labels.enumerated() {
            var options = VideoSourceOptions(url: try makeDamagedClip(named: "\(label).ts", in: directory,
                                                                      seed: UInt64(21 + index)))
            options.decoderThreads = 2
            options.logLabel = label
            sources.append(try VideoSource(options: options))
        }
        let frames = Counts(count: labels.count)
        do {
            // Each iteration reads only its own source.
            let reading = HandedOver(sources)
            DispatchQueue.concurrentPerform(iterations: labels.count) { index in
                var luma = GrayImage(width: 0, height: 0)
                while (try? reading.value[index].nextFrame(into: &luma)) != nil { frames.increment(index) }
            }
        }
        sources.removeAll()
        FFmpegLog.route(to: Logger(label: "ffmpeg", factory: { _ in SwiftLogNoOpLogHandler() }))

        XCTAssertTrue(frames.values.allSatisfy { $0 > 30 && $0 < 100 }, "\(frames.values)")
        let records = log.records
        XCTAssertTrue(records.allSatisfy { $0.metadata["stream"].map(labels.contains) ?? false }, "\(records)")
        for label in labels {
            let own = records.filter { $0.metadata["stream"] == label }
            let decoding = own.filter { $0.message.hasPrefix("error while decoding MB ") }
            XCTAssertEqual(decoding.count, 5, "stream \(label): \(own)")
            let suppressed = own.filter { $0.message.hasPrefix("suppressed ") && $0.message.contains("(first: error while decoding MB ") }
            XCTAssertEqual(suppressed.count, 1, "stream \(label): \(own)")
        }
    }

    /// A refused connection is logged by the tcp protocol's own context, which libav* makes
    /// inside avformat_open_input: it is labelled from the opening thread.
    func testAConnectionMadeInsideLibavIsLabelledFromTheOpeningThread() throws {
        let log = CapturedLog()
        FFmpegLog.route(to: log.logger)
        var options = VideoSourceOptions(url: "tcp://127.0.0.1:9")
        options.timeoutSeconds = 2
        options.logLabel = "door"
        XCTAssertThrowsError(try VideoSource(options: options))
        let refused = log.records.filter { $0.metadata["ffmpeg"] == "tcp" && $0.message.contains("127.0.0.1:9") }
        XCTAssertFalse(refused.isEmpty, "\(log.records)")
        XCTAssertTrue(refused.allSatisfy { $0.metadata["stream"] == "door" }, "\(refused)")
    }

    /// A 100-frame clip with a third of its bytes overwritten mid-file.
    private func makeDamagedClip(named name: String, in directory: URL, seed: UInt64) throws -> String {
        let path = try TestMedia.makeClip(at: directory.appendingPathComponent(name).path, frames: 100)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var generator = SeededRandom(seed: seed)
        for chunk in 0..<30 {
            let offset = bytes.count * (20 + chunk * 2) / 100
            for i in offset..<(offset + 300) { bytes[i] = UInt8(truncatingIfNeeded: generator.next()) }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs `body` with file descriptor 2 sent to a file, and returns what was written to it.
    private func capturingStandardError(in directory: URL, _ body: () throws -> Void) throws -> String {
        let path = directory.appendingPathComponent("stderr.txt").path
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(file, 0)
        let saved = dup(STDERR_FILENO)
        dup2(file, STDERR_FILENO)
        close(file)
        defer {
            dup2(saved, STDERR_FILENO)
            close(saved)
        }
        try body()
        return try String(contentsOfFile: path, encoding: .utf8)
    }
}

/// Frames decoded per source, counted from several threads.
private final class Counts: Sendable {
    private let stored: Mutex<[Int]>

    init(count: Int) { stored = Mutex(Array(repeating: 0, count: count)) }

    var values: [Int] { stored.withLock { $0 } }

    func increment(_ index: Int) { stored.withLock { $0[index] += 1 } }
}
