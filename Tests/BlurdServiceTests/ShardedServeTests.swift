import BlurdTestSupport
import Foundation
import XCTest

/// Three `blurd serve` instances, shards 0, 1 and 2 of 3, on one nine-stream configuration
/// (files of the same test clip): each watches the streams rendezvous hashing gives it, so
/// every stream is watched by exactly one. The configs differ only in `http.listen`, since the
/// three share one loopback address here (in Kubernetes every pod has its own).
final class ShardedServeTests: XCTestCase {
    private var directory: URL!
    private var processes: [Process] = []

    override func setUpWithError() throws {
        directory = try TemporaryDirectory.make("blurd-shards", for: self)
        addTeardownBlock { [unowned self] in
            for process in self.processes where process.isRunning {
                process.interrupt()
                process.waitUntilExit()
            }
        }
    }

    func testThreeShardsWatchEveryStreamExactlyOnce() throws {
        let clip = directory.appendingPathComponent("clip.ts").path
        try ServeHarness.makeTestClip(at: clip, width: 160, height: 120, frames: 20)
        let names = StreamShardTests.nine
        var ports: [Int] = []
        for _ in 0..<3 { ports.append(try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))) }
        func writeConfigs(_ names: [String]) throws {
            var streams = "streams:\n"
            for name in names {
                streams += """
                      - name: \(name)
                        url: \(clip)
                        analysis_size: 96
                        outputs:
                          jsonl: {path: \(directory.appendingPathComponent("\(name).jsonl").path)}

                    """
            }
            for (shard, port) in ports.enumerated() {
                try "http: {listen: \"127.0.0.1:\(port)\"}\nshutdown_timeout_s: 5\n\(streams)"
                    .write(toFile: directory.appendingPathComponent("shard\(shard).yaml").path, atomically: true, encoding: .utf8)
            }
        }
        try writeConfigs(names)
        for shard in 0..<3 {
            let configPath = directory.appendingPathComponent("shard\(shard).yaml").path
            let daemon = Process()
            daemon.executableURL = try BlurdExecutable.url()
            // Shard 0 from the option, the others from the environment, as a StatefulSet gives it.
            daemon.arguments = ["serve", "--config", configPath] + (shard == 0 ? ["--shard", "0/3"] : [])
            var environment = ProcessInfo.processInfo.environment
            environment["BLURD_SHARD"] = shard == 0 ? "2/3" : "\(shard)/3"
            daemon.environment = environment
            daemon.standardOutput = FileHandle.nullDevice
            daemon.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try daemon.run()
            processes.append(daemon)
        }

        // Until every instance's streams have ended (each file is read once, then stopped).
        var owned: [[String]] = []
        let allStopped = {
            owned = []
            for (shard, port) in ports.enumerated() {
                guard let health = ServeHarness.get(port: port, path: "/healthz"),
                      let body = try? JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any],
                      body["shard"] as? String == "\(shard)/3",
                      let entries = body["streams"] as? [[String: Any]],
                      entries.allSatisfy({ $0["state"] as? String == "stopped" }) else { return false }
                owned.append(entries.compactMap { $0["name"] as? String })
            }
            return true
        }
        XCTAssertTrue(ServeHarness.waitFor(120, allStopped), "the shards did not all finish their streams: \(owned)")
        XCTAssertEqual(owned.flatMap { $0 }.sorted(), names.sorted(), "every stream watched exactly once: \(owned)")
        XCTAssertEqual(owned, (0..<3).map { shard in names.filter { StreamShardTests.ownerOf($0, shards: 3) == shard } },
                       "the processes split as the unit computes")

        for (shard, port) in ports.enumerated() {
            let metrics = ServeHarness.metrics(port: port)
            XCTAssertEqual(metrics["blurd_shard_info{shard=\"\(shard)\",shards=\"3\"}"], 1, "\(metrics.keys.sorted())")
            XCTAssertEqual(metrics["blurd_shard_streams"], Double(owned[shard].count))
            for name in names {
                let decoded = metrics["blurd_stream_frames_decoded_total{stream=\"\(name)\"}"]
                XCTAssertEqual(decoded, owned[shard].contains(name) ? 20 : nil, "shard \(shard), stream \(name)")
            }
            // A shard whose streams all stopped is unready, yet alive: no reason to restart it.
            XCTAssertEqual(ServeHarness.get(port: port, path: "/healthz")?.status, 503)
            XCTAssertEqual(ServeHarness.get(port: port, path: "/livez")?.status, 200)
        }
        // A reload re-splits the new file: a removed stream stops on its owner, an added one
        // starts on its owner only, nothing else moves.
        let reloaded = names.filter { $0 != "cam4" } + ["cam10", "cam11"]
        try writeConfigs(reloaded)
        for daemon in processes { kill(daemon.processIdentifier, SIGHUP) }
        let expected = (0..<3).map { shard in reloaded.filter { StreamShardTests.ownerOf($0, shards: 3) == shard } }
        XCTAssertTrue(ServeHarness.waitFor(120) { allStopped() && owned == expected }, "after the reload: \(owned), expected \(expected)")
        XCTAssertEqual(owned.flatMap { $0 }.sorted(), reloaded.sorted())
        for name in ["cam10", "cam11"] {
            let text = try String(contentsOfFile: directory.appendingPathComponent("\(name).jsonl").path, encoding: .utf8)
            XCTAssertEqual(text.split(separator: "\n").filter { $0.contains("\"frame\":") }.count, 20, name)
        }

        for daemon in processes { kill(daemon.processIdentifier, SIGTERM) }
        XCTAssertTrue(ServeHarness.waitFor(60) { processes.allSatisfy { !$0.isRunning } })
        for daemon in processes {
            daemon.waitUntilExit()
            XCTAssertEqual(daemon.terminationStatus, 0)
        }
        // One writer per stream: each stream's lines once, not twice.
        for name in names {
            let text = try String(contentsOfFile: directory.appendingPathComponent("\(name).jsonl").path, encoding: .utf8)
            XCTAssertEqual(text.split(separator: "\n").filter { $0.contains("\"frame\":") }.count, 20, name)
        }
    }

    /// A bad shard is a bad config value: one line naming it, exit 2, nothing started.
    func testABadShardExitsTwo() throws {
        let configPath = directory.appendingPathComponent("one.yaml").path
        try "streams:\n  - {name: a, url: /dev/null}\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        for (arguments, variable, message) in [(["--shard", "3/3"], nil, "--shard I must be in 0...2, got 3"),
                                               ([], "1-of-3", "BLURD_SHARD must be I/N")] as [([String], String?, String)] {
            let daemon = Process()
            daemon.executableURL = try BlurdExecutable.url()
            daemon.arguments = ["serve", "--config", configPath, "--check"] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["BLURD_SHARD"] = variable
            daemon.environment = environment
            let errors = Pipe()
            daemon.standardError = errors
            daemon.standardOutput = FileHandle.nullDevice
            try daemon.run()
            let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            daemon.waitUntilExit()
            XCTAssertEqual(daemon.terminationStatus, 2, output)
            XCTAssertTrue(output.contains(message), output)
        }
    }
}
