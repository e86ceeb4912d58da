import BlurdCore
import BlurdMedia
import BlurdTestSupport
import Foundation
import XCTest

/// `blurd serve` as systemd would run it, against a live ffmpeg UDP source on loopback: READY,
/// STATUS and WATCHDOG on a test NOTIFY_SOCKET, a killed and restarted source, SIGHUP with a
/// good and a bad config, SIGTERM with complete output. Every wait is bounded.
final class ServeEndToEndTests: XCTestCase {
    private var directory: URL!
    private var processes: [Process] = []

    override func setUpWithError() throws {
        directory = try TemporaryDirectory.make("blurd-serve", for: self)
        // Registered after the directory, so it runs before the directory is removed.
        addTeardownBlock { [unowned self] in
            for process in self.processes where process.isRunning {
                process.interrupt()
                process.waitUntilExit()
            }
        }
    }

    private func config(httpPort: Int, streams: [(name: String, port: Int)], extra: String = "") -> String {
        var yaml = "http:\n  listen: 127.0.0.1:\(httpPort)\nshutdown_timeout_s: 5\nstreams:\n"
        for stream in streams {
            yaml += """
                  - name: \(stream.name)
                    url: udp://127.0.0.1:\(stream.port)
                    analysis_size: 160
                    timeout_s: 1.5
                    reconnect: {initial_s: 0.2, max_s: 1, health_budget_s: 30}
                    outputs:
                      jsonl: {path: \(directory.appendingPathComponent("\(stream.name).jsonl").path), max_bytes: 10000000}

                """
        }
        return yaml + extra
    }

    private func analysed(_ metrics: [String: Double], _ stream: String) -> Double {
        metrics["blurd_stream_frames_analysed_total{stream=\"\(stream)\"}"] ?? 0
    }

    func testLiveSourceReconnectReloadAndDrain() throws {
        let udpPort = try ServeHarness.freePort(Int32(SOCK_DGRAM.rawValue)), secondPort = try ServeHarness.freePort(Int32(SOCK_DGRAM.rawValue))
        let httpPort = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        let configPath = directory.appendingPathComponent("blurd.yaml").path
        try config(httpPort: httpPort, streams: [("cam1", udpPort)]).write(toFile: configPath, atomically: true, encoding: .utf8)
        let notify = try NotifySocket(abstract: false)

        let logPath = directory.appendingPathComponent("stderr.log").path
        let daemon = try ServeHarness.serveDaemon(configPath: configPath, notify: notify,
                                                  watchdogMicroseconds: 2_000_000, logPath: logPath)
        var sender = try ServeHarness.startSender(port: udpPort)
        processes.append(sender)
        try daemon.run()
        processes.append(daemon)
        func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        // READY=1 once the streams are started and HTTP listens; then STATUS= and WATCHDOG=1.
        let ready = notify.receive(until: { $0.contains("READY=1") }, timeout: 20)
        XCTAssertNotNil(ready.match, "no READY=1; got \(ready.all); log:\n\(log())")
        XCTAssertTrue(ServeHarness.waitFor(20) { analysed(ServeHarness.metrics(port: httpPort), "cam1") >= 25 },
                      "no frames analysed; log:\n\(log())")
        let running = notify.receive(until: { $0.contains("STATUS=cam1 running") }, timeout: 5)
        XCTAssertNotNil(running.match, "no STATUS= with the running stream: \(running.all)")
        let watchdog = notify.receive(until: { $0.contains("WATCHDOG=1") }, timeout: 5)
        XCTAssertNotNil(watchdog.match, "no WATCHDOG=1 while the pipeline runs: \(watchdog.all)")
        let warm = ServeHarness.metrics(port: httpPort)
        XCTAssertGreaterThanOrEqual(warm["blurd_stream_processing_seconds_count{stream=\"cam1\"}"] ?? 0, 25)
        XCTAssertGreaterThanOrEqual(warm["blurd_stream_analysis_seconds_count{stream=\"cam1\"}"] ?? 0, 25)
        XCTAssertGreaterThan(warm["blurd_stream_sharpness{stream=\"cam1\"}"] ?? 0, 0.5, "testsrc2 is sharp")
        XCTAssertGreaterThan(warm["blurd_stream_frames_decoded_total{stream=\"cam1\"}"] ?? 0, 0)
        let health = try XCTUnwrap(ServeHarness.get(port: httpPort, path: "/healthz"))
        XCTAssertEqual(health.status, 200, health.body)
        let rssWarm = ServeHarness.residentKiB(daemon.processIdentifier)

        // Kill the source: the stream reconnects (with backoff) and resumes once ffmpeg is back.
        sender.terminate()
        sender.waitUntilExit()
        XCTAssertTrue(ServeHarness.waitFor(15) {
            (ServeHarness.metrics(port: httpPort)["blurd_stream_reconnects_total{stream=\"cam1\"}"] ?? 0) >= 1
        }, "no reconnect counted; log:\n\(log())")
        let beforeRestart = analysed(ServeHarness.metrics(port: httpPort), "cam1")
        sender = try ServeHarness.startSender(port: udpPort)
        processes.append(sender)
        XCTAssertTrue(ServeHarness.waitFor(20) {
            let metrics = ServeHarness.metrics(port: httpPort)
            return analysed(metrics, "cam1") >= beforeRestart + 25
                && metrics["blurd_stream_state{stream=\"cam1\",state=\"running\"}"] == 1
        }, "frames did not resume after the source came back; log:\n\(log())")
        // The metrics change just before the transition's log line: wait for the lines too.
        XCTAssertTrue(ServeHarness.waitFor(10) { log().contains("running → reconnecting") }, log())
        XCTAssertTrue(ServeHarness.waitFor(10) { log().contains("reconnecting → running") }, log())

        // SIGHUP with a stream added: cam1 keeps running, cam2 appears.
        try config(httpPort: httpPort, streams: [("cam1", udpPort), ("cam2", secondPort)])
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        XCTAssertTrue(ServeHarness.waitFor(10) {
            ServeHarness.metrics(port: httpPort)["blurd_stream_reconnects_total{stream=\"cam2\"}"] != nil
        }, "cam2 not started by the reload; log:\n\(log())")
        // cam2's metrics appear inside the reload, before its summary line is logged: wait for it.
        XCTAssertTrue(ServeHarness.waitFor(10) { log().contains("unchanged=[\"cam1\"]") }, log())

        // SIGHUP with a bad config: rejected, both streams stay.
        try (config(httpPort: httpPort, streams: [("cam1", udpPort)]) + "bogus_option: 1\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        XCTAssertTrue(ServeHarness.waitFor(10) { log().contains("reload rejected") }, log())
        XCTAssertTrue(log().contains("bogus_option: unknown key"), log())
        let afterBad = ServeHarness.metrics(port: httpPort)
        XCTAssertNotNil(afterBad["blurd_stream_reconnects_total{stream=\"cam2\"}"], "cam2 was dropped by a rejected config")
        XCTAssertTrue(ServeHarness.waitFor(10) {
            analysed(ServeHarness.metrics(port: httpPort), "cam1") >= analysed(afterBad, "cam1") + 10
        }, "cam1 stopped after a rejected reload")

        // Memory after a few hundred frames and reconnects: report, and bound the growth.
        let rssLate = ServeHarness.residentKiB(daemon.processIdentifier)
        if let rssWarm, let rssLate {
            print("blurd serve RSS: \(rssWarm) KiB warm, \(rssLate) KiB after reconnect and reloads")
            XCTAssertLessThan(rssLate - rssWarm, 64 * 1024, "RSS grew by more than 64 MiB")
        }

        // SIGTERM: exit 0 within the drain deadline, STOPPING=1, every line complete JSON.
        kill(daemon.processIdentifier, SIGTERM)
        XCTAssertTrue(ServeHarness.waitFor(15) { !daemon.isRunning }, "daemon still running after SIGTERM")
        daemon.waitUntilExit()
        XCTAssertEqual(daemon.terminationStatus, 0, log())
        XCTAssertTrue(log().contains("all streams stopped and flushed"), log())
        var stopping = false
        while let message = notify.receive(timeout: 0.5) { stopping = stopping || message.contains("STOPPING=1") }
        XCTAssertTrue(stopping, "no STOPPING=1")

        let text = try String(contentsOfFile: directory.appendingPathComponent("cam1.jsonl").path, encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("\n"))
        var frames = 0, summaries = 0, lastSummaryInterrupted = false
        for line in text.split(separator: "\n") {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                                       "incomplete line: \(line.prefix(120))")
            XCTAssertEqual(object["stream"] as? String, "cam1")
            if object["frame"] != nil { frames += 1 }
            if let summary = object["summary"] as? [String: Any] {
                summaries += 1
                lastSummaryInterrupted = summary["interrupted"] as? Bool ?? false
            }
        }
        XCTAssertGreaterThanOrEqual(frames, 50)
        XCTAssertGreaterThanOrEqual(summaries, 1, "the drained connection wrote no summary")
        XCTAssertTrue(lastSummaryInterrupted, "the last line is not the SIGTERM-drained connection's summary")
        XCTAssertTrue(text.split(separator: "\n").last?.contains("\"summary\"") ?? false)
    }

    /// A pipeline whose output blocks (a FIFO nobody reads) stops making progress: the
    /// watchdog pings stop, and SIGTERM gives up after shutdown_timeout_s with exit 1.
    func testStalledPipelineWithholdsWatchdogAndMissesTheDrainDeadline() throws {
        let clip = directory.appendingPathComponent("long.ts").path
        try ServeHarness.makeTestClip(at: clip, width: 160, height: 120, frames: 1500)
        let fifo = directory.appendingPathComponent("stalled.jsonl").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        // Opened for reading (so the daemon's open for writing succeeds) and never read.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        XCTAssertGreaterThanOrEqual(reader, 0)
        defer { close(reader) }

        let httpPort = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        let configPath = directory.appendingPathComponent("stall.yaml").path
        try """
            http: {listen: "127.0.0.1:\(httpPort)"}
            shutdown_timeout_s: 2
            streams:
              - {name: stuck, url: \(clip), outputs: {jsonl: {path: \(fifo)}}}
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let notify = try NotifySocket(abstract: true)
        let logPath = directory.appendingPathComponent("stall.log").path
        let daemon = try ServeHarness.serveDaemon(configPath: configPath, notify: notify,
                                                  watchdogMicroseconds: 1_000_000, logPath: logPath)
        try daemon.run()
        processes.append(daemon)
        func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        XCTAssertNotNil(notify.receive(until: { $0.contains("READY=1") }, timeout: 20).match, log())
        // Generous: on a loaded machine the stall (a full FIFO, then one watchdog interval) comes late.
        XCTAssertTrue(ServeHarness.waitFor(60) { log().contains("withholding the watchdog ping: no progress from [\"stuck\"]") },
                      log())
        // Drain what was queued before the stall, then no ping may come for more than the interval.
        _ = notify.receive(until: { _ in false }, timeout: 0.3)
        let later = notify.receive(until: { $0.contains("WATCHDOG=1") }, timeout: 2.5)
        XCTAssertNil(later.match, "WATCHDOG=1 sent for a stalled pipeline: \(later.all)")
        XCTAssertTrue(ServeHarness.metrics(port: httpPort)["blurd_stream_state{stream=\"stuck\",state=\"running\"}"] == 1)

        kill(daemon.processIdentifier, SIGTERM)
        XCTAssertTrue(ServeHarness.waitFor(15) { !daemon.isRunning }, "daemon still running after SIGTERM")
        daemon.waitUntilExit()
        // 8: ServiceError.shutdownTimeout's class, outputs left unfinished (docs/SERVICE.md).
        XCTAssertEqual(daemon.terminationStatus, 8, log())
        XCTAssertTrue(log().contains("did not drain within shutdown_timeout_s (2.0 s)"), log())
    }

    func testBusyListenPortExitsOneWithTheReason() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        let port = try XCTUnwrap(LoopbackSocket.bindToFreePort(listener, listenBacklog: 1))
        let configPath = directory.appendingPathComponent("busy.yaml").path
        try "http: {listen: '127.0.0.1:\(port)'}\nstreams: [{name: a, url: /nonexistent/a.ts}]\n"
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try BlurdExecutable.url()
        process.arguments = ["serve", "--config", configPath]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        processes.append(process)
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, output)
        XCTAssertTrue(output.lowercased().contains("address already in use"), output)
    }

    func testCheckValidatesWithoutRunning() throws {
        let configPath = directory.appendingPathComponent("ok.yaml").path
        try "streams: [{name: a, url: 'udp://127.0.0.1:9'}]\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try BlurdExecutable.url()
        process.arguments = ["serve", "--config", configPath, "--check"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testBadConfigExitsTwoWithTheReason() throws {
        let configPath = directory.appendingPathComponent("bad.yaml").path
        try "streams: [{name: a, url: 'udp://127.0.0.1:1', tresholds: {}}]\n"
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try BlurdExecutable.url()
        process.arguments = ["serve", "--config", configPath]
        // As under systemd: lines carry syslog priorities for journald.
        var environment = ProcessInfo.processInfo.environment
        environment["JOURNAL_STREAM"] = "8:12345"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2)
        XCTAssertTrue(output.hasPrefix("<2>config: "), output)
        XCTAssertTrue(output.contains("streams[0].tresholds: unknown key 'tresholds'"), output)
    }
}

extension ServeEndToEndTests {
    /// A file source ends (state stopped, /healthz 503) and leaves a complete annotated recording
    /// with one picture per analysed frame.
    func testFileSourceStopsAndRecordsAnnotatedVideo() throws {
        let clip = directory.appendingPathComponent("clip.ts").path
        try ServeHarness.makeTestClip(at: clip, width: 320, height: 240, frames: 50)
        let recordings = directory.appendingPathComponent("rec")
        try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
        let httpPort = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        let configPath = directory.appendingPathComponent("file.yaml").path
        try """
            http: {listen: "127.0.0.1:\(httpPort)"}
            streams:
              - name: clip
                url: \(clip)
                analysis_size: 160
                outputs:
                  jsonl: {path: \(directory.appendingPathComponent("clip.jsonl").path)}
                  recording: {directory: \(recordings.path), codec: libx264, container: mkv}
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = try BlurdExecutable.url()
        daemon.arguments = ["serve", "--config", configPath]
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        processes.append(daemon)

        var health: (status: Int, body: String)?
        XCTAssertTrue(ServeHarness.waitFor(20) {
            health = ServeHarness.get(port: httpPort, path: "/healthz")
            return health.map { $0.body.contains("\"state\":\"stopped\"") || $0.body.contains("\"state\":\"failed\"") } ?? false
        }, "the file stream did not end: \(String(describing: health))")
        XCTAssertTrue(health?.body.contains("\"state\":\"stopped\"") ?? false, "\(String(describing: health))")
        XCTAssertEqual(health?.status, 503)
        kill(daemon.processIdentifier, SIGTERM)
        XCTAssertTrue(ServeHarness.waitFor(15) { !daemon.isRunning })
        daemon.waitUntilExit()
        XCTAssertEqual(daemon.terminationStatus, 0)

        let lines = try String(contentsOfFile: directory.appendingPathComponent("clip.jsonl").path, encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains("\"frame\":") }.count, 50)
        let files = try FileManager.default.contentsOfDirectory(atPath: recordings.path)
        XCTAssertEqual(files.count, 1, "\(files)")
        let file = try XCTUnwrap(files.first)
        XCTAssertTrue(file.hasPrefix("clip-") && file.hasSuffix("Z.mkv"), file)
        let recording = try VideoSource(options: VideoSourceOptions(url: recordings.appendingPathComponent(file).path))
        XCTAssertEqual(recording.info.width, 320)
        XCTAssertEqual(recording.info.height, 240)
        var luma = GrayImage(width: recording.frameWidth, height: recording.frameHeight)
        var pictures = 0
        while try recording.nextFrame(into: &luma) != nil { pictures += 1 }
        XCTAssertEqual(pictures, 50)
    }
}

extension ServeEndToEndTests {
    /// A live source recorded as mp4 in 1.2 s segments with keep_segments 3: segments follow
    /// the stream, older ones are deleted, and the one open at SIGTERM is finished too (an mp4
    /// without its trailer does not open).
    func testLiveRecordingIsSegmentedAndItsLastSegmentFinishedOnSIGTERM() throws {
        let udpPort = try ServeHarness.freePort(Int32(SOCK_DGRAM.rawValue))
        let httpPort = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        let recordings = directory.appendingPathComponent("rec")
        try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
        let configPath = directory.appendingPathComponent("rec.yaml").path
        try """
            http: {listen: "127.0.0.1:\(httpPort)"}
            streams:
              - name: cam
                url: udp://127.0.0.1:\(udpPort)
                method: classic
                analysis_size: 160
                timeout_s: 1.5
                outputs:
                  recording: {directory: \(recordings.path), container: mp4, segment_minutes: 0.02, keep_segments: 3}
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let notify = try NotifySocket(abstract: false)
        let logPath = directory.appendingPathComponent("rec.log").path
        let daemon = try ServeHarness.serveDaemon(configPath: configPath, notify: notify,
                                                  watchdogMicroseconds: 0, logPath: logPath)
        processes.append(try ServeHarness.startSender(port: udpPort))
        try daemon.run()
        processes.append(daemon)
        func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        // 150 frames at 25 fps: 6 s of stream time, five segments or more.
        XCTAssertTrue(ServeHarness.waitFor(30) { analysed(ServeHarness.metrics(port: httpPort), "cam") >= 150 },
                      "no frames analysed; log:\n\(log())")
        kill(daemon.processIdentifier, SIGTERM)
        XCTAssertTrue(ServeHarness.waitFor(15) { !daemon.isRunning }, "daemon still running after SIGTERM")
        daemon.waitUntilExit()
        XCTAssertEqual(daemon.terminationStatus, 0, log())

        let text = log()
        XCTAssertGreaterThanOrEqual(text.components(separatedBy: "recording segment").count - 1, 5, text)
        XCTAssertTrue(text.contains("deleted old recording segment"), text)
        let files = try FileManager.default.contentsOfDirectory(atPath: recordings.path).sorted()
        XCTAssertEqual(files.count, 3, "\(files)")
        var spans: [Double] = []
        for file in files {
            XCTAssertTrue(file.hasPrefix("cam-") && file.hasSuffix("Z.mp4"), file)
            let probe = try ProbeReference(path: recordings.appendingPathComponent(file).path)
            let pts = probe.frames.map(\.pts)
            let first = try XCTUnwrap(pts.min()), last = try XCTUnwrap(pts.max())
            // Each file plays from 0, whatever its offset in the stream (every segment after the
            // first would start 1.2 s or more later without the shift). Not exactly 0: the muxer
            // zeroes the first decode time, so the first picture keeps the encoder's reorder delay,
            // which grows when a loaded machine drops frames (live input, drop-oldest) at the cut.
            XCTAssertEqual(first, 0, accuracy: 0.5, file)
            spans.append(last - first)
        }
        // A segment ends at the first frame at least 1.2 s of stream time after its own first,
        // so every file but the newest spans 1.2 s less at most one frame interval.
        for span in spans.dropLast() {
            XCTAssertGreaterThanOrEqual(span, 1.1, "\(spans)")
            XCTAssertLessThan(span, 2, "\(spans)")
        }
    }
}

extension ServeEndToEndTests {
    /// Passwords planted in a URL (a live UDP source that learns its baseline, and an RTSP
    /// camera that refuses connections) and in a password_file (a TCP source that refuses
    /// too, whose URL libavformat's own error line names), through reconnects, a reload that
    /// changes the file's password, a rejected reload whose YAML error quotes a URL, and
    /// SIGTERM: none of them appears in the log, STATUS=, /healthz, /metrics, the JSON Lines
    /// or baselines.json, where the redacted URLs do.
    func testPasswordsAppearInNoOutputOrStateFile() throws {
        let udpPort = try ServeHarness.freePort(Int32(SOCK_DGRAM.rawValue))
        // Ports the kernel just handed out and nobody listens on: connections are refused.
        let rtspPort = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        let tcpPort = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        let httpPort = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        let planted = ["PLANTED-udp-pw", "PLANTED-rtsp-pw", "PLANTED-file-pw", "PLANTED-rotated-pw"]
        let passwordFile = directory.appendingPathComponent("yard-password").path
        try (planted[2] + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        func jsonl(_ name: String) -> String { directory.appendingPathComponent("\(name).jsonl").path }
        let config = """
            http: {listen: "127.0.0.1:\(httpPort)"}
            shutdown_timeout_s: 5
            state_dir: \(state.path)
            streams:
              - name: cam
                url: udp://viewer:\(planted[0])@127.0.0.1:\(udpPort)
                method: classic
                analysis_size: 160
                timeout_s: 1.5
                thresholds: {baseline_minutes: 0.01}
                outputs: {jsonl: {path: \(jsonl("cam"))}}
              - name: door
                url: rtsp://admin:\(planted[1])@127.0.0.1:\(rtspPort)/stream1
                timeout_s: 1.5
                reconnect: {initial_s: 0.2, max_s: 0.5, health_budget_s: 600}
                outputs: {jsonl: {path: \(jsonl("door"))}}
              - name: yard
                url: tcp://127.0.0.1:\(tcpPort)
                username: viewer
                password_file: \(passwordFile)
                timeout_s: 1.5
                reconnect: {initial_s: 0.2, max_s: 0.5, health_budget_s: 600}
                outputs: {jsonl: {path: \(jsonl("yard"))}}

            """
        let configPath = directory.appendingPathComponent("secrets.yaml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let notify = try NotifySocket(abstract: false)
        let logPath = directory.appendingPathComponent("secrets.log").path
        let daemon = try ServeHarness.serveDaemon(configPath: configPath, notify: notify,
                                                  watchdogMicroseconds: 0, logPath: logPath)
        processes.append(try ServeHarness.startSender(port: udpPort))
        try daemon.run()
        processes.append(daemon)
        func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        var exported: [String] = []
        var notifications: [String] = []
        func scrape(_ path: String) -> String {
            let body = ServeHarness.get(port: httpPort, path: path)?.body ?? ""
            exported.append(body)
            return body
        }
        func reconnectsAfter(_ stream: String, _ count: Double) -> Bool {
            let metrics = ServeHarness.parseMetrics(scrape("/metrics"))
            return (metrics["blurd_stream_reconnects_total{stream=\"\(stream)\"}"] ?? 0) >= count
        }

        let ready = notify.receive(until: { $0.contains("READY=1") }, timeout: 30)
        notifications += ready.all
        XCTAssertNotNil(ready.match, "no READY=1; log:\n\(log())")
        // The live stream learns and saves its baseline; the refused ones reconnect a few times.
        let baselines = state.appendingPathComponent("baselines.json").path
        XCTAssertTrue(ServeHarness.waitFor(60) { FileManager.default.fileExists(atPath: baselines) },
                      "no baseline saved; log:\n\(log())")
        XCTAssertTrue(ServeHarness.waitFor(60) { reconnectsAfter("door", 3) && reconnectsAfter("yard", 3) },
                      "no reconnects; log:\n\(log())")
        var health = ""
        XCTAssertTrue(ServeHarness.waitFor(30) {
            health = scrape("/healthz")
            return health.contains("rtsp://***@127.0.0.1:\(rtspPort)/stream1")
                && health.contains("tcp://***@127.0.0.1:\(tcpPort)")
        }, "/healthz names no redacted URL: \(health)")

        // A new password in the file restarts the stream that reads it, and only that one.
        try (planted[3] + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        XCTAssertTrue(ServeHarness.waitFor(30) { log().contains("restarted=[\"yard\"]") }, log())
        XCTAssertTrue(log().contains("unchanged=[\"cam\", \"door\"]"), log())

        // A YAML error quoting the line with a password: rejected, redacted, on one STATUS= line.
        try config.replacingOccurrences(of: "/stream1\n", with: "/stream1: [\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        let rejected = notify.receive(until: { $0.contains("STATUS=reload rejected") }, timeout: 30)
        notifications += rejected.all
        XCTAssertTrue(rejected.match?.contains("not valid YAML") ?? false, "\(rejected.all); log:\n\(log())")
        XCTAssertTrue(ServeHarness.waitFor(10) { log().contains("not valid YAML") }, log())
        XCTAssertTrue(log().contains("url: rtsp://***@127.0.0.1:\(rtspPort)/stream1: ["), "the quoted line is missing: \(log())")
        _ = scrape("/healthz")
        _ = scrape("/metrics")

        kill(daemon.processIdentifier, SIGTERM)
        XCTAssertTrue(ServeHarness.waitFor(30) { !daemon.isRunning }, "daemon still running after SIGTERM")
        daemon.waitUntilExit()
        XCTAssertEqual(daemon.terminationStatus, 0, log())
        while let message = notify.receive(timeout: 0.5) { notifications.append(message) }

        // Every notification is whole assignments, one per line.
        let keys = ["READY", "STATUS", "WATCHDOG", "STOPPING"]
        for message in notifications {
            for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
                XCTAssertTrue(keys.contains { line.hasPrefix($0 + "=") }, "not an assignment: '\(line)' in \(message)")
            }
        }
        let text = log()
        XCTAssertTrue(text.contains("rtsp://***@127.0.0.1:\(rtspPort)/stream1"), text)
        XCTAssertTrue(text.contains("ffmpeg=tcp") && text.contains("tcp://***@127.0.0.1:\(tcpPort)"),
                      "libavformat's own line about the tcp URL is missing: \(text)")
        let camLines = try String(contentsOfFile: jsonl("cam"), encoding: .utf8)
        XCTAssertTrue(camLines.contains("\"frame\""), "no frames written")
        let saved = try String(contentsOfFile: baselines, encoding: .utf8)
        XCTAssertTrue(saved.contains("\"url\" : \"udp://127.0.0.1:\(udpPort)\""), saved)

        let files = [logPath, baselines] + ["cam", "door", "yard"].map(jsonl)
            .filter { FileManager.default.fileExists(atPath: $0) }
        let outputs = try files.map { ($0, try String(contentsOfFile: $0, encoding: .utf8)) }
            + exported.map { ("HTTP", $0) } + notifications.map { ("sd_notify", $0) }
        for password in planted {
            for (source, content) in outputs {
                XCTAssertFalse(content.contains(password), "\(password) in \(source):\n\(content)")
            }
        }
    }
}
