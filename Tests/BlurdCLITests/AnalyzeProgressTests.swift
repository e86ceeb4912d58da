import BlurdTestSupport
import Foundation
import XCTest

/// `blurd analyze`'s live line on a terminal, seen through a pseudo-terminal (util-linux
/// `script`, from Debian's essential bsdutils).
final class AnalyzeProgressTests: XCTestCase {
    /// The input is a FIFO that the test keeps open after writing the clip, so the run lasts
    /// until the live line has been seen, however fast or loaded the machine: no timing.
    func testLiveLineOnATerminalIsErasedBeforeTheSummary() throws {
        let base = try TemporaryDirectory.make("analyze-progress", for: self)
        let clip = try CLIClips.make(at: base.path + "/clip.ts", frames: 50)
        let fifo = base.path + "/feed", out = base.path + "/out.jsonl", screen = base.path + "/screen"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        FileManager.default.createFile(atPath: screen, contents: nil)

        let blurd = try BlurdExecutable.url().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        // -e: script exits with blurd's code; -f: the pseudo-terminal's output is flushed as it comes.
        process.arguments = ["-q", "-e", "-f", "-c",
                             "'\(blurd)' analyze '\(fifo)' --drop-policy block --timeout 600 -o '\(out)'", "/dev/null"]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: screen))
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        addTeardownBlock { if process.isRunning { process.terminate() } }

        // Opening the FIFO for writing waits for blurd to open it for reading.
        guard let feed = FileHandle(forWritingAtPath: fifo) else { return XCTFail("cannot open the FIFO") }
        feed.write(try Data(contentsOf: URL(fileURLWithPath: clip)))
        let deadline = Date(timeIntervalSinceNow: 120)
        var shown = ""
        while process.isRunning, Date() < deadline {
            shown = (try? String(contentsOfFile: screen, encoding: .utf8)) ?? ""
            if shown.contains(" frames · ") { break }
            usleep(20_000)  // polling the pseudo-terminal's output for the line, not waiting for time
        }
        try feed.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, shown)

        shown = try String(contentsOfFile: screen, encoding: .utf8)
        let erase = "\r\u{1B}[K"
        let draws = shown.components(separatedBy: erase)
        XCTAssertGreaterThanOrEqual(draws.count, 3, "no live line drawn and erased: \(shown.debugDescription)")
        let line = try XCTUnwrap(draws.dropFirst().first { $0.contains(" frames · ") }, shown.debugDescription)
        XCTAssertNotNil(line.range(of: #"^\d+ frames · \d+\.\d fps · \d\d:\d\d:\d\d elapsed · ETA --:--:--$"#,
                                   options: .regularExpression), line.debugDescription)
        // Erased, then the summary on a clean line.
        XCTAssertTrue(draws.last?.hasPrefix("blurd: 50 frames decoded, 50 analysed") ?? false, shown.debugDescription)
        let frames = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("{\"frame\"") }
        XCTAssertEqual(frames.count, 50)
    }
}
