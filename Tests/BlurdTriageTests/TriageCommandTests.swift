import BlurdTestSupport
import Foundation
import XCTest

/// `blurd triage` end to end through the built binary.
final class TriageCommandTests: XCTestCase {
    func testBatchWithBadFilesMatchesAnalyzeAndExits9() throws {
        let base = try TemporaryDirectory.make("triage-batch", for: self)
        let lib = try TriageFolder.make(in: base)
        let out = base.appendingPathComponent("out").path

        let run = try Self.blurd(["triage", lib, "--output-dir", out, "--all-frames", "--progress", "none"])

        XCTAssertEqual(run.status, 9, run.stderr)
        XCTAssertTrue(run.stderr.hasPrefix("blurd: triage: 3 ok, 1 partial, 1 failed, 2 skipped"), run.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/triage.json"))) as? [String: Any])
        let rows = try XCTUnwrap(summary["clips"] as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: rows.map { ($0["clip"] as! String, $0["status"] as! String) })
        XCTAssertEqual(status, ["lib/other.mkv": "ok", "lib/sharp.mp4": "ok", "lib/sub/soft.mp4": "ok",
                                "lib/damaged.ts": "partial", "lib/truncated.mp4": "failed",
                                "lib/notes.txt": "skipped", "lib/noise.mp4": "skipped"])
        let failed = try XCTUnwrap(rows.first { $0["clip"] as? String == "lib/truncated.mp4" })
        XCTAssertEqual(failed["error_class"] as? Int, 4)
        let damaged = try XCTUnwrap(rows.first { $0["clip"] as? String == "lib/damaged.ts" })
        XCTAssertGreaterThan((damaged["corrupt_packets"] as! Int) + (damaged["decode_errors"] as! Int), 0)

        for clip in TriageFolder.clips {
            let analyze = try Self.blurd(["analyze", base.path + "/" + clip])
            XCTAssertEqual(analyze.status, 0, analyze.stderr)
            let triaged = try String(contentsOfFile: out + "/clips/" + clip + ".jsonl", encoding: .utf8)
            XCTAssertEqual(Self.withoutTiming(triaged), Self.withoutTiming(analyze.stdout), clip)
        }
        let csv = try String(contentsOfFile: out + "/soft-shots.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "clip,segment,start_frame,end_frame,start_tc,end_tc,start_s,end_s,duration_s,min_score,mean_score,tc_origin")
        XCTAssertEqual(csv.count, 2, "\(csv)")
        XCTAssertTrue(csv.last?.hasPrefix("lib/sub/soft.mp4,1,") ?? false, "\(csv)")
        XCTAssertFalse(TriageFolder.files(under: out).contains { $0.hasSuffix(".tmp") })
    }

    func testJSONProgressLinesParse() throws {
        let base = try TemporaryDirectory.make("triage-progress", for: self)
        try TriageMedia.clip(at: base.path + "/lib/a.mp4", frames: 20)
        try TriageMedia.text(at: base.path + "/lib/b.txt")
        let run = try Self.blurd(["triage", base.path + "/lib", "--output-dir", base.path + "/out", "--progress", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stderr.split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 2)
        var sawProgress = false
        for line in lines {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            if let summary = object["summary"] as? [String: Any] {
                XCTAssertEqual(summary["ok"] as? Int, 1)
                XCTAssertEqual(summary["skipped"] as? Int, 1)
                continue
            }
            sawProgress = true
            XCTAssertEqual(Set(object.keys), ["clips_done", "clips_total", "clips_failed", "frames", "fps",
                                              "elapsed_s", "eta_s", "current", "finished"])
        }
        XCTAssertTrue(sawProgress)
    }

    /// A summary line without its timing fields, which differ from run to run.
    static func withoutTiming(_ text: String) -> String {
        text.replacingOccurrences(of: #","elapsed_s":[0-9.]+,"fps":[0-9.]+"#, with: "", options: .regularExpression)
    }

    static func blurd(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try BlurdExecutable.url()
        process.arguments = arguments
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("triage-io-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: scratch.path + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: scratch.path + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: scratch.path + ".out")
            try? FileManager.default.removeItem(atPath: scratch.path + ".err")
        }
        // Files, not pipes: nothing can fill up and block the child.
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + ".err"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOfFile: scratch.path + ".out", encoding: .utf8),
                try String(contentsOfFile: scratch.path + ".err", encoding: .utf8))
    }
}
