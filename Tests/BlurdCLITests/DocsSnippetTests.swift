import BlurdTestSupport
import Foundation
import XCTest

/// Runs the Python mask decoder printed in docs/JSONL.md on real `blurd analyze` output.
final class DocsSnippetTests: XCTestCase {
    func testPythonSnippetDecodesTheMasks() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/JSONL.md").standardizedFileURL
        let text = try String(contentsOf: docs, encoding: .utf8)
        guard let start = text.range(of: "```python\n"),
              let end = text.range(of: "```", range: start.upperBound..<text.endIndex) else {
            return XCTFail("no python block in docs/JSONL.md")
        }
        let snippet = String(text[start.upperBound..<end.lowerBound])
        XCTAssertLessThanOrEqual(snippet.split(separator: "\n").count, 10)

        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import numpy"]
        probe.standardError = FileHandle.nullDevice
        do { try probe.run() } catch { throw XCTSkip("python3 not available") }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else { throw XCTSkip("python3 with numpy not available") }

        let directory = try TemporaryDirectory.make("blurd-docs", for: self)
        let clip = try CLIClips.make(at: directory.appendingPathComponent("clip.mp4").path, frames: 12, blurFrom: 6)
        let output = directory.appendingPathComponent("out.jsonl").path
        // classic: the docs promise mask.mean() == blurred_fraction for it (cnn counts textured cells only).
        let outcome = try BlurdProcess.run(["analyze", clip, "--method", "classic", "--output", output])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let script = directory.appendingPathComponent("decode.py").path
        try snippet.write(toFile: script, atomically: true, encoding: .utf8)

        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", script, output]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        XCTAssertEqual(python.terminationStatus, 0)

        // Each printed "frame score fraction" must match the JSON's blurred_fraction.
        let frames = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").dropLast()
            .map { try BlurdProcess.json(String($0)) }
        let decoded = printed.split(separator: "\n").filter { !$0.hasPrefix("summary") }
        XCTAssertEqual(decoded.count, frames.count)
        XCTAssertTrue(printed.contains("summary"))
        for (line, json) in zip(decoded, frames) {
            let fields = line.split(separator: " ")
            XCTAssertEqual(Int(fields[0]), json["frame"] as? Int)
            let fraction = try XCTUnwrap(Double(fields[2]))
            XCTAssertEqual(fraction, try XCTUnwrap(json["blurred_fraction"] as? Double), accuracy: 0.00006)
        }
        // The blurred second half must decode as mostly blurred, the sharp first half not.
        let fractions = decoded.map { Double($0.split(separator: " ")[2])! }
        XCTAssertLessThan(fractions[..<6].max()!, 0.1)
        XCTAssertGreaterThan(fractions[6...].min()!, 0.6)
    }
}
