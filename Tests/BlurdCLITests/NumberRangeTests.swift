import BlurdTestSupport
import Foundation
import XCTest

/// Every number the issue saw trap (SIGILL/SIGABRT) is refused with its documented exit code
/// and exactly one `blurd: error:` line naming the range.
final class NumberRangeTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory.make("blurd-numbers", for: self)
    }

    private struct Case {
        let arguments: [String]
        let status: Int32
        /// Part of the one error line.
        let message: String
    }

    private func assertRefused(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) throws {
        for test in cases {
            let outcome = try BlurdProcess.run(test.arguments)
            let context = "\(test.arguments.joined(separator: " ")): \(outcome.stderr)"
            XCTAssertEqual(outcome.status, test.status, context, file: file, line: line)
            let errors = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("blurd: error: ") }
            XCTAssertEqual(errors.count, 1, context, file: file, line: line)
            XCTAssertTrue(errors.first?.contains(test.message) ?? false, context, file: file, line: line)
            XCTAssertFalse(outcome.stderr.contains("Fatal error"), context, file: file, line: line)
            XCTAssertEqual(outcome.stdout, "", context, file: file, line: line)
        }
    }

    func testAnalyzeRefusesOutOfRangeNumbers() throws {
        let clip = try CLIClips.make(at: directory.appendingPathComponent("clip.mp4").path, frames: 5)
        let annotated = directory.appendingPathComponent("annotated.mp4").path
        let max = String(Int.max)
        let table: [([String], String)] = [
            (["--timeout", "1e300"], "timeout (seconds) must be in (0, 86400], got 1e+300"),
            (["--timeout", "inf"], "timeout (seconds) must be in (0, 86400], got inf"),
            (["--timeout", "nan"], "timeout (seconds) must be in (0, 86400], got nan"),
            (["--timeout", "-25"], "timeout (seconds) must be in (0, 86400], got -25"),
            (["--start", "1e300"], "start (seconds) must be in 0...315576000, got 1e+300"),
            (["--start", "inf"], "start (seconds) must be in 0...315576000, got inf"),
            (["--start", "-25"], "start (seconds) must be in 0...315576000, got -25"),
            (["--duration", "nan"], "duration (seconds) must be in (0, 315576000], got nan"),
            (["--fps", "-25"], "fps must be in (0, 1000], got -25"),
            (["--fps", "1e300"], "fps must be in (0, 1000], got 1e+300"),
            (["--workers", "100000"], "workers must be in 1...256, got 100000"),
            (["--workers", max], "workers must be in 1...256, got \(max)"),
            (["--ring-capacity", max], "ring capacity must be in 1...4096, got \(max)"),
            (["--tile-size", "1000000000"], "tile size must be in 16...8192, got 1000000000"),
            (["--size", "1000000"], "analysis size must be in 16...16384, got 1000000"),
            (["--every", "0"], "every must be in 1...1000000, got 0"),
            (["--annotate", annotated, "--annotate-crf", "99"], "--annotate-crf for libx264 must be in 0...51, got 99"),
        ]
        try assertRefused(table.map { Case(arguments: ["analyze", clip] + $0.0, status: 2, message: $0.1) })
        XCTAssertFalse(FileManager.default.fileExists(atPath: annotated))
    }

    func testAnalyzeSaysWhenStartIsBeyondTheEnd() throws {
        let clip = try CLIClips.make(at: directory.appendingPathComponent("clip.mp4").path, frames: 25)
        let outcome = try BlurdProcess.run(["analyze", clip, "--method", "classic", "--start", "99"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("blurd: note: --start 99 s is beyond the input's end (1.0 s); no frame analysed"),
                      outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("0 analysed"), outcome.stderr)
    }

    func testReportRefusesOutOfRangeFrameRates() throws {
        let log = directory.appendingPathComponent("log.jsonl").path
        try "{\"frame\":0,\"pts\":0,\"state\":\"ok\",\"score\":0.9}\n".write(toFile: log, atomically: true, encoding: .utf8)
        let csv = directory.appendingPathComponent("out.csv").path
        let table: [(String, String)] = [
            ("1e300", "got 1e+300"), ("inf", "got inf"), ("nan", "got nan"), ("-25", "got -25"), ("0", "got 0"),
        ]
        try assertRefused(table.map {
            Case(arguments: ["report", log, "--csv", csv, "--frame-rate", $0.0], status: 2,
                 message: "--frame-rate must be in (0, 1000], \($0.1)")
        })
    }

    func testReportRefusesLogNumbersOutOfRange() throws {
        let table: [(String, String)] = [
            ("{\"frame\":1,\"pts\":1e20,\"state\":\"ok\",\"score\":0.9}", "pts must be in -1000000000...1000000000, got 1e+20"),
            ("{\"frame\":9223372036854775807,\"pts\":1,\"state\":\"ok\",\"score\":0.9}", "frame must be in 0...1000000000000, got 9.223372036854776e+18"),
            ("{\"frame\":-9223372036854775808,\"pts\":1,\"state\":\"ok\",\"score\":0.9}", "frame must be in 0...1000000000000, got -9.223372036854776e+18"),
            ("{\"frame\":1,\"pts\":1,\"state\":\"ok\",\"score\":7}", "score must be in 0...1, got 7"),
        ]
        var cases: [Case] = []
        for (index, (line, message)) in table.enumerated() {
            let log = directory.appendingPathComponent("log\(index).jsonl").path
            try ("{\"frame\":0,\"pts\":0,\"state\":\"ok\",\"score\":0.9}\n" + line + "\n")
                .write(toFile: log, atomically: true, encoding: .utf8)
            cases.append(Case(arguments: ["report", log, "--svg", directory.appendingPathComponent("\(index).svg").path],
                              status: 7, message: "\(log) line 2: \(message)"))
        }
        try assertRefused(cases)
    }

    /// Frames a microsecond apart give 10⁶ fps: the estimate is refused, not used for timecodes.
    func testReportRefusesAnInferredRateOutOfRange() throws {
        let log = directory.appendingPathComponent("fast.jsonl").path
        try "{\"frame\":0,\"pts\":0,\"state\":\"ok\",\"score\":0.9}\n{\"frame\":1,\"pts\":0.000001,\"state\":\"ok\",\"score\":0.9}\n"
            .write(toFile: log, atomically: true, encoding: .utf8)
        try assertRefused([Case(arguments: ["report", log, "--csv", directory.appendingPathComponent("f.csv").path],
                                status: 2, message: "outside (0, 1000]: give --frame-rate")])
    }

    /// The model tools check their numbers in `validate()`: ArgumentParser's `Error:` line and
    /// usage, exit 2, before any photo is read or any frame allocated.
    func testModelToolsRefuseOutOfRangeNumbers() throws {
        let max = String(Int.max)
        let table: [([String], String)] = [
            (["bench", "--sizes", "100000x100000"], "a --sizes side must be in 16...16384, got 100000"),
            (["bench", "--threads", "100000"], "--threads must be in 1...256, got 100000"),
            (["eval", "--synthetic", max], "--synthetic must be in 1...1000000, got \(max)"),
            (["synth", "--photos", directory.path, "--out", directory.path, "--crop-size", "1000000000"],
             "--crop-size must be in 16...16384, got 1000000000"),
            (["train", "--minutes", "inf", "--checkpoint", "x", "--photos", directory.path],
             "--minutes must be in (0, 525960], got inf"),
            (["train", "--iterations", "10", "--lr", "nan", "--checkpoint", "x", "--photos", directory.path],
             "--lr must be in (0, 1000], got nan"),
            (["export", "x.blurdckpt", "--calibration-size", "100000"], "--calibration-size must be in 16...16384, got 100000"),
        ]
        for (arguments, message) in table {
            let outcome = try BlurdProcess.run(arguments)
            let context = "\(arguments.joined(separator: " ")): \(outcome.stderr)"
            XCTAssertEqual(outcome.status, 2, context)
            XCTAssertTrue(outcome.stderr.hasPrefix("Error: \(message)\n"), context)
            XCTAssertFalse(outcome.stderr.contains("Fatal error"), context)
        }
    }
}
