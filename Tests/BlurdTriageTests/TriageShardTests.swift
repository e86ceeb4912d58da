import BlurdTestSupport
import BlurdTriage
import Foundation
import XCTest

/// `--shard I/N` and `--report-only` through the built binary: three shards on one folder, one
/// stopped by SIGTERM in the middle of a clip and started again, merge to what one process
/// gives, clip for clip.
final class TriageShardTests: XCTestCase {
    /// Analysis settings of every run here: all frames, so that a clip takes long enough to be
    /// caught in its middle and the comparison covers every frame.
    private static let settings = ["--all-frames", "--workers", "1", "--progress", "none"]
    /// Frames of the clips a test stops in their middle: caught before half of them are written,
    /// the rest is far more work than the stop signal takes to arrive.
    private static let longFrames = 200

    func testThreeShardsOneKilledAndRerunMergeToTheSingleRun() throws {
        let base = try TemporaryDirectory.make("triage-shards", for: self)
        let lib = base.path + "/lib"
        let clips = try Self.makeLibrary(lib, clipsPerShard: 2, shards: 3, longShard: 1)
        try TriageMedia.text(at: lib + "/notes.txt")
        try Self.audioOnly(at: lib + "/sub/voice.m4a")
        let single = base.path + "/single", sharded = base.path + "/sharded"

        let whole = try ShardProcess.run(["triage", lib, "--output-dir", single] + Self.settings, scratch: base.path, name: "whole")
        XCTAssertEqual(whole.status, 0, whole.stderr)

        let shards = try (0..<3).map { index in
            try ShardProcess(["triage", lib, "--output-dir", sharded, "--shard", "\(index)/3"] + Self.settings,
                             scratch: base.path, name: "shard\(index)")
        }
        let killed = try shards[1].terminateMidClip(clips: sharded + "/clips", framesBefore: Self.longFrames / 2) {
            ShardSpec.shard(of: $0, count: 3) == 1
        }
        XCTAssertEqual(shards[1].wait(), TriageOutcome.incompleteExitCode, shards[1].stderr)
        XCTAssertTrue(shards[1].stderr.contains("(interrupted)"), shards[1].stderr)
        XCTAssertEqual(shards[0].wait(), 0, shards[0].stderr)
        XCTAssertEqual(shards[2].wait(), 0, shards[2].stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sharded + "/triage.json"), "a shard wrote the summary")
        let stopped = try Self.manifest(sharded, "1-of-3")
        XCTAssertEqual(stopped["state"] as? String, "stopped")
        XCTAssertEqual(Self.statuses(stopped)[killed], "pending")

        // The report before the rerun: the killed clip (and any not reached) missing, exit 10.
        let early = try ShardProcess.run(["triage", "--report-only", sharded], scratch: base.path, name: "report1")
        XCTAssertEqual(early.status, TriageOutcome.incompleteExitCode, early.stderr)
        let earlyRows = try Self.rows(sharded)
        let missing = Set(earlyRows.filter { $0.value["status"] as? String == "missing" }.keys)
        XCTAssertTrue(missing.contains(killed), "\(missing)")
        XCTAssertEqual(missing, Set(Self.statuses(stopped).filter { $0.value == "pending" }.keys))

        // Started again, as the Job controller does: only what it had not finished is analysed.
        let rerun = try ShardProcess.run(["triage", lib, "--output-dir", sharded, "--shard", "1/3"] + Self.settings,
                                         scratch: base.path, name: "shard1-again")
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let manifests = try (0..<3).map { try Self.manifest(sharded, "\($0)-of-3") }
        let again = try Self.clipEntries(manifests[1])
        for (name, entry) in again {
            let finishedBefore = Self.statuses(stopped)[name] == "ok"
            XCTAssertEqual(entry["resumed"] as? Bool, finishedBefore, "\(name) analysed again or not resumed")
        }

        let final = try ShardProcess.run(["triage", "--report-only", sharded], scratch: base.path, name: "report2")
        XCTAssertEqual(final.status, 0, final.stderr)
        XCTAssertTrue(final.stderr.hasPrefix("blurd: triage report: 6 ok, 0 partial, 0 failed, 2 skipped, 0 pending, 0 missing"),
                      final.stderr)

        // No clip assigned to two shards, none left out.
        let assigned = try manifests.map { Set(try Self.clipEntries($0).keys) }
        XCTAssertEqual(assigned.map(\.count).reduce(0, +), Set(assigned.joined()).count, "a clip in two manifests")
        XCTAssertEqual(Set(assigned.joined()), Set(clips).union(["lib/sub/voice.m4a"]))

        // Clip for clip what the single run gave: rows (outcome, frames, scores, soft shots) and
        // every frame's line.
        let singleRows = try Self.rows(single), shardedRows = try Self.rows(sharded)
        XCTAssertEqual(Set(shardedRows.keys), Set(singleRows.keys))
        for (name, row) in singleRows {
            XCTAssertEqual(Self.comparable(shardedRows[name] ?? [:]), Self.comparable(row), name)
        }
        XCTAssertEqual(singleRows["lib/sub/voice.m4a"]?["status"] as? String, "skipped")
        XCTAssertEqual(singleRows["lib/sub/voice.m4a"]?["reason"] as? String, "no video stream")
        for clip in clips {
            let one = try String(contentsOfFile: single + "/clips/" + clip + ".jsonl", encoding: .utf8)
            let merged = try String(contentsOfFile: sharded + "/clips/" + clip + ".jsonl", encoding: .utf8)
            XCTAssertEqual(TriageCommandTests.withoutTiming(merged), TriageCommandTests.withoutTiming(one), clip)
            XCTAssertGreaterThan(one.split(separator: "\n").count, 20, clip)
        }
        let csv = try String(contentsOfFile: sharded + "/soft-shots.csv", encoding: .utf8)
        XCTAssertEqual(csv, try String(contentsOfFile: single + "/soft-shots.csv", encoding: .utf8))
        XCTAssertFalse(TriageFolder.files(under: sharded).contains { $0.hasSuffix(".tmp") })
    }

    /// SIGTERM in the middle of a clip: a shard exits 10 so its Job index runs again; the same
    /// stop without --shard keeps its exit 0 and writes the summary.
    func testSIGTERMMidClipExits10InShardModeAnd0Without() throws {
        let base = try TemporaryDirectory.make("triage-shard-stop", for: self)
        let lib = base.path + "/lib"
        try TriageMedia.clip(at: lib + "/long.mp4", frames: Self.longFrames)
        for (name, shardArguments) in [("shard", ["--shard", "0/1"]), ("whole", [])] {
            let out = base.path + "/" + name
            let run = try ShardProcess(["triage", lib, "--output-dir", out] + shardArguments + Self.settings,
                                       scratch: base.path, name: name)
            let caught = try run.terminateMidClip(clips: out + "/clips", framesBefore: Self.longFrames / 2) { _ in true }
            XCTAssertEqual(caught, "lib/long.mp4")
            let status = run.wait()
            let summary = FileManager.default.fileExists(atPath: out + "/triage.json")
            if name == "shard" {
                XCTAssertEqual(status, TriageOutcome.incompleteExitCode, run.stderr)
                XCTAssertFalse(summary)
            } else {
                XCTAssertEqual(status, 0, run.stderr)
                XCTAssertTrue(summary)
            }
            XCTAssertTrue(run.stderr.contains("0 ok, 0 partial, 0 failed, 0 skipped, 1 pending"), run.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/clips/lib/long.mp4.jsonl"))
        }
    }

    func testReportOnlyRefusesWhatItCannotReport() throws {
        let base = try TemporaryDirectory.make("triage-report-bad", for: self)
        let empty = try ShardProcess.run(["triage", "--report-only", base.path], scratch: base.path, name: "empty")
        XCTAssertEqual(empty.status, 3, empty.stderr)
        try FileManager.default.createDirectory(atPath: base.path + "/shards", withIntermediateDirectories: true)
        try Data("{\"version\":1,".utf8).write(to: URL(fileURLWithPath: base.path + "/shards/0-of-2.json"))
        let damaged = try ShardProcess.run(["triage", "--report-only", base.path], scratch: base.path, name: "damaged")
        XCTAssertEqual(damaged.status, 4, damaged.stderr)
        XCTAssertTrue(damaged.stderr.hasPrefix("blurd: error: cannot report: "), damaged.stderr)
        for arguments in [["--report-only", base.path, "lib"], ["--report-only", base.path, "--shard", "0/2"], ["lib"],
                          ["lib", "--output-dir", base.path, "--shard", "2/2"]] {
            let run = try ShardProcess.run(["triage"] + arguments, scratch: base.path, name: "bad")
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
        }
    }

    /// Clips named so that each of `shards` shards gets `clipsPerShard` (by the fixed split);
    /// those of `longShard` are longer, so that one is caught mid-clip easily. Returns their names.
    private static func makeLibrary(_ lib: String, clipsPerShard: Int, shards: Int, longShard: Int) throws -> [String] {
        var names: [String] = []
        var perShard = [Int](repeating: 0, count: shards)
        var number = 0
        while perShard.contains(where: { $0 < clipsPerShard }) {
            let relative = (number % 2 == 0 ? "" : "sub/") + "clip-\(number).mp4"
            let shard = ShardSpec.shard(of: "lib/" + relative, count: shards)
            if perShard[shard] < clipsPerShard {
                perShard[shard] += 1
                // Every clip has a defocused stretch, so the soft shots are compared too.
                try TriageMedia.clip(at: lib + "/" + relative, frames: shard == longShard ? longFrames : 40, blurred: 10..<30)
                names.append("lib/" + relative)
            }
            number += 1
        }
        return names
    }

    /// An AAC file without video: a skipped file, not a failed clip.
    private static func audioOnly(at path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try ExternalTool.output("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
                                           "-c:a", "aac", path])
    }

    private static func json(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any], path)
    }

    private static func manifest(_ directory: String, _ shard: String) throws -> [String: Any] {
        try json(directory + "/shards/" + shard + ".json")
    }

    /// A manifest's clips by name.
    private static func clipEntries(_ manifest: [String: Any]) throws -> [String: [String: Any]] {
        let clips = try XCTUnwrap(manifest["clips"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: clips.map { ("\($0["root"] ?? "")/\($0["relative_path"] ?? "")", $0) })
    }

    private static func statuses(_ manifest: [String: Any]) -> [String: String] {
        ((try? clipEntries(manifest)) ?? [:]).compactMapValues { $0["status"] as? String }
    }

    /// triage.json's rows by clip name.
    private static func rows(_ directory: String) throws -> [String: [String: Any]] {
        let rows = try XCTUnwrap(try json(directory + "/triage.json")["clips"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["clip"] as? String ?? "", $0) })
    }

    /// A row as text without `resumed` (how the result was reached, not what it is).
    private static func comparable(_ row: [String: Any]) -> String {
        var row = row
        row["resumed"] = nil
        let data = (try? JSONSerialization.data(withJSONObject: row, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
