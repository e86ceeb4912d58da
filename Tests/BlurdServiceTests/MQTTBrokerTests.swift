import BlurdMedia
import BlurdTestSupport
import Foundation
import Glibc
import XCTest

/// `blurd serve` publishing to a real Mosquitto broker, recorded by `mosquitto_sub` on a
/// persistent session: discovery, state, snapshots and the event sequence of a live loopback
/// camera that goes out of focus, is covered and comes back, while the broker is stopped and
/// started again five times; and a wrong password. Every wait is for a condition.
final class MQTTBrokerTests: XCTestCase {
    private var directory: URL!
    private var processes: [Process] = []
    /// Where the daemons' sd_notify messages go, kept open for their lifetime.
    private var notifySockets: [NotifySocket] = []

    override func setUpWithError() throws {
        _ = try MosquittoBroker.tool("mosquitto")
        _ = try MosquittoBroker.tool("mosquitto_sub")
        directory = try TemporaryDirectory.make("blurd-mqtt", for: self)
        addTeardownBlock { [unowned self] in
            for process in self.processes where process.isRunning {
                process.interrupt()
                process.waitUntilExit()
            }
        }
    }

    /// What the live camera shows: a sharp pattern, the same defocused, or a covered lens.
    private enum Scene: String {
        case sharp, blurred, covered
    }

    /// `ffmpeg -re` sending `scene` as MPEG-TS over UDP to 127.0.0.1:`port`.
    private func startCamera(_ scene: Scene, port: Int) throws -> Process {
        let source: [String]
        switch scene {
        case .sharp: source = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25"]
        case .blurred: source = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-vf", "gblur=sigma=6"]
        case .covered: source = ["-f", "lavfi", "-i", "color=c=0x101010:size=320x240:rate=25"]
        }
        let process = Process()
        process.executableURL = try ServeHarness.ffmpeg()
        process.arguments = ["-nostdin", "-loglevel", "error", "-re"] + source
            + ["-c:v", "mpeg2video", "-g", "12", "-f", "mpegts", "udp://127.0.0.1:\(port)?pkt_size=1316"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        processes.append(process)
        return process
    }

    private func serve(configPath: String, logPath: String) throws -> Process {
        let notify = try NotifySocket(abstract: true)
        notifySockets.append(notify)
        let daemon = try ServeHarness.serveDaemon(configPath: configPath, notify: notify,
                                                  watchdogMicroseconds: 0, logPath: logPath)
        try daemon.run()
        processes.append(daemon)
        return daemon
    }

    /// The event lines of a stream's JSON Lines file, in order.
    private func events(in path: String) -> [String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["event"] as? String
        }
    }

    func testEventsStateAndDiscoveryThroughFiveBrokerRestarts() throws {
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let recorder = try MQTTRecorder(broker: broker, clientID: "recorder")
        // The recorder's persistent session exists before blurd publishes anything.
        XCTAssertTrue(ServeHarness.waitFor(60) { broker.log.contains("as recorder") }, broker.log)

        let udpPort = try ServeHarness.freePort(Int32(SOCK_DGRAM.rawValue))
        let silentPort = try ServeHarness.freePort(Int32(SOCK_DGRAM.rawValue))
        let httpPort = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        let jsonl = directory.appendingPathComponent("cam1.jsonl").path
        func config(withSilentCamera: Bool) -> String {
            var yaml = """
                http: {listen: "127.0.0.1:\(httpPort)"}
                shutdown_timeout_s: 5
                mqtt:
                  url: mqtt://127.0.0.1:\(broker.port)
                  client_id: blurd-test-%s
                  reconnect: {initial_s: 0.2, max_s: 1}
                streams:
                  - name: cam1
                    url: udp://127.0.0.1:\(udpPort)
                    method: classic
                    analysis_size: 160
                    timeout_s: 3
                    reconnect: {initial_s: 0.2, max_s: 1, health_budget_s: 600}
                    thresholds: {min_duration_s: 0.5, smoothing: 0.5, baseline_minutes: 0}
                    outputs: {jsonl: {path: \(jsonl)}, frames: false}

                """
            if withSilentCamera {
                yaml += """
                      - name: cam2
                        url: udp://127.0.0.1:\(silentPort)
                        method: classic
                        timeout_s: 1
                        reconnect: {initial_s: 0.2, max_s: 1, health_budget_s: 600}

                    """
            }
            return yaml
        }
        let configPath = directory.appendingPathComponent("blurd.yaml").path
        try config(withSilentCamera: true).write(toFile: configPath, atomically: true, encoding: .utf8)
        var camera = try startCamera(.sharp, port: udpPort)
        let logPath = directory.appendingPathComponent("blurd.log").path
        let daemon = try serve(configPath: configPath, logPath: logPath)
        func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        func metric(_ name: String) -> Double? { ServeHarness.metrics(port: httpPort)[name] }
        func states(_ stream: String, from start: Int = 0) -> [String] {
            recorder.messages(on: "blurd/\(stream)/state").dropFirst(start).compactMap { $0.json?["state"] as? String }
        }

        // Discovery, availability and the first state.
        let focusConfig = "homeassistant/binary_sensor/blurd_cam1/focus_problem/config"
        XCTAssertTrue(ServeHarness.waitFor(60) { states("cam1").last == "ok" && !recorder.messages(on: focusConfig).isEmpty },
                      "no discovery or state; log:\n\(log())")
        XCTAssertEqual(recorder.messages(on: "blurd/blurd-test-0/available").last?.text, "online")
        let focus = try XCTUnwrap(recorder.messages(on: focusConfig).last?.json)
        XCTAssertEqual(focus["unique_id"] as? String, "blurd_cam1_focus_problem")
        XCTAssertEqual(focus["device_class"] as? String, "problem")
        XCTAssertEqual(focus["state_topic"] as? String, "blurd/cam1/state")
        XCTAssertEqual(focus["availability_topic"] as? String, "blurd/blurd-test-0/available")
        XCTAssertEqual((focus["device"] as? [String: Any])?["identifiers"] as? [String], ["blurd_cam1"])
        let sharpness = try XCTUnwrap(recorder.messages(on: "homeassistant/sensor/blurd_cam1/sharpness/config").last?.json)
        XCTAssertEqual(sharpness["unit_of_measurement"] as? String, "%")
        XCTAssertEqual(sharpness["state_class"] as? String, "measurement")
        for (component, object) in [("binary_sensor", "no_picture"), ("sensor", "blurred_area"),
                                    ("binary_sensor", "infrared_mode"), ("image", "snapshot"),
                                    ("button", "relearn_baseline")] {
            let topic = "homeassistant/\(component)/blurd_cam1/\(object)/config"
            XCTAssertEqual(recorder.messages(on: topic).last?.json?["unique_id"] as? String, "blurd_cam1_\(object)", topic)
        }
        let state = try XCTUnwrap(recorder.messages(on: "blurd/cam1/state").last?.json)
        XCTAssertGreaterThan(state["score"] as? Double ?? 0, 0.7, "testsrc2 is sharp: \(state)")
        XCTAssertEqual(state["mode"] as? String, "colour", "testsrc2 is colourful: \(state)")
        XCTAssertNotNil(Double(recorder.messages(on: "blurd/cam1/score").last?.text ?? ""))
        // The camera that never sends goes offline after its timeout_s.
        XCTAssertTrue(ServeHarness.waitFor(60) { states("cam2").last == "offline" }, "cam2 not offline; log:\n\(log())")

        // Five changes of scene, each while the broker is down, each followed by a restart.
        let steps: [(Scene, String, String)] = [(.blurred, "focus_lost", "focus_lost"), (.sharp, "focus_restored", "ok"),
                                                (.covered, "no_texture", "no_texture"), (.sharp, "texture_restored", "ok"),
                                                (.blurred, "focus_lost", "focus_lost")]
        for (round, (scene, event, expectedState)) in steps.enumerated() {
            let raisedBefore = events(in: jsonl).count
            broker.stop()
            XCTAssertTrue(ServeHarness.waitFor(60) { metric("blurd_mqtt_connected") == 0 },
                          "round \(round): still connected; log:\n\(log())")
            camera.terminate()
            camera.waitUntilExit()
            camera = try startCamera(scene, port: udpPort)
            XCTAssertTrue(ServeHarness.waitFor(60) { events(in: jsonl).dropFirst(raisedBefore).contains(event) },
                          "round \(round): no \(event) raised; events \(events(in: jsonl)); log:\n\(log())")
            XCTAssertGreaterThanOrEqual(metric("blurd_mqtt_messages_queued") ?? 0, 1, "round \(round): nothing queued")
            let recordBefore = recorder.messages(on: "blurd/cam1/state").count
            try broker.start()
            XCTAssertTrue(ServeHarness.waitFor(60) {
                recorder.messages(on: "blurd/events").contains { $0.json?["stream"] as? String == "cam1"
                    && $0.json?["event"] as? String == event && ($0.json?["seq"] as? Int ?? 0) > raisedBefore }
                    && states("cam1", from: recordBefore).last == expectedState
            }, "round \(round): \(event) or state \(expectedState) not delivered after the restart; states "
                + "\(states("cam1", from: recordBefore)); log:\n\(log())")
        }

        // A broker that lost everything it held (no persistence file) gets blurd's retained
        // topics again from the new connection: discovery, state, availability.
        let availability = "blurd/blurd-test-0/available"
        let availabilityBefore = recorder.messages(on: availability).count
        broker.stop()
        try FileManager.default.removeItem(at: broker.directory.appendingPathComponent("mosquitto.db"))
        try broker.start()
        // The recorder's session went with the file: it subscribes again when its client
        // reconnects, on its own schedule. What is published before then never reaches it, so
        // the steps below wait for it: the availability topic reaches it once it is subscribed
        // (retained, or live if blurd reconnects later).
        XCTAssertTrue(ServeHarness.waitFor(60) { recorder.messages(on: availability).count > availabilityBefore },
                      "the recorder did not subscribe again")
        XCTAssertEqual(try MQTTRecorder.first(on: focusConfig, broker: broker)?.json?["unique_id"] as? String,
                       "blurd_cam1_focus_problem", "discovery not published again; log:\n\(log())")
        XCTAssertEqual(try MQTTRecorder.first(on: "blurd/cam1/state", broker: broker)?.json?["state"] as? String, "focus_lost")
        XCTAssertEqual(try MQTTRecorder.first(on: availability, broker: broker)?.text, "online")

        // The last focus_lost left a snapshot: a JPEG of the analysed frame with the overlay.
        XCTAssertTrue(ServeHarness.waitFor(60) { !(recorder.messages(on: "blurd/cam1/snapshot").last?.payload.isEmpty ?? true) })
        let jpeg = try XCTUnwrap(recorder.messages(on: "blurd/cam1/snapshot").last?.payload)
        XCTAssertEqual(Array(jpeg.prefix(2)), [0xFF, 0xD8], "not a JPEG")
        let snapshotPath = directory.appendingPathComponent("snapshot.jpg").path
        try Data(jpeg).write(to: URL(fileURLWithPath: snapshotPath))
        let picture = try ImageFile.loadRGB(snapshotPath)
        XCTAssertEqual(picture.width, 160)
        XCTAssertEqual(picture.height, 120)

        // The relearn button's command reaches the stream.
        try MosquittoBroker.run(try MosquittoBroker.tool("mosquitto_pub"),
                                ["-h", "127.0.0.1", "-p", String(broker.port), "-t", "blurd/cam1/relearn", "-m", "PRESS"])
        XCTAssertTrue(ServeHarness.waitFor(60) { log().contains("relearning the baseline on request") }, log())

        // A reload that removes cam2 clears its discovery and retained topics.
        try config(withSilentCamera: false).write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        let cam2Config = "homeassistant/binary_sensor/blurd_cam2/focus_problem/config"
        XCTAssertTrue(ServeHarness.waitFor(60) {
            recorder.messages(on: cam2Config).last?.payload.isEmpty ?? false
                && recorder.messages(on: "blurd/cam2/state").last?.payload.isEmpty ?? false
        }, "cam2's discovery not cleared; log:\n\(log())")

        kill(daemon.processIdentifier, SIGTERM)
        XCTAssertTrue(ServeHarness.waitFor(60) { !daemon.isRunning }, "daemon still running after SIGTERM")
        daemon.waitUntilExit()
        XCTAssertEqual(daemon.terminationStatus, 0, log())
        XCTAssertTrue(ServeHarness.waitFor(60) { recorder.messages(on: "blurd/blurd-test-0/available").last?.text == "offline" })

        // Every event of cam1, once each after dropping redeliveries, in the order blurd raised them.
        var bySequence: [Int: [String: Any]] = [:]
        var redelivered = 0
        for message in recorder.messages(on: "blurd/events") {
            guard let object = message.json, object["stream"] as? String == "cam1", let seq = object["seq"] as? Int else { continue }
            if bySequence[seq] != nil { redelivered += 1 }
            bySequence[seq] = object
        }
        let sequence = bySequence.keys.sorted()
        XCTAssertEqual(sequence, Array(1...max(1, sequence.count)), "a gap in cam1's event sequence")
        let published = sequence.compactMap { bySequence[$0]?["event"] as? String }.filter { !$0.hasPrefix("stream_") }
        XCTAssertEqual(published, events(in: jsonl), "the MQTT events differ from the JSON Lines events")
        XCTAssertGreaterThanOrEqual(published.count, 5)
        XCTAssertTrue(recorder.messages(on: "blurd/events").contains {
            $0.json?["stream"] as? String == "cam2" && $0.json?["event"] as? String == "stream_offline"
        })
        print("MQTT: \(bySequence.count) cam1 events, \(redelivered) redelivered copies dropped by seq")
    }

    func testWrongPasswordIsOneLogLineAndRetriesUntilFixed() throws {
        let broker = try MosquittoBroker(directory: directory, passwords: ["blurd": "right-secret"])
        try broker.start()
        let passwordFile = directory.appendingPathComponent("mqtt-password").path
        try "PLANTED-wrong-secret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let httpPort = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        let configPath = directory.appendingPathComponent("blurd.yaml").path
        try """
            http: {listen: "127.0.0.1:\(httpPort)"}
            mqtt:
              url: mqtt://127.0.0.1:\(broker.port)
              username: blurd
              password_file: \(passwordFile)
              client_id: blurd-auth
              reconnect: {initial_s: 0.2, max_s: 0.5}
            streams:
              - {name: cam, url: "udp://127.0.0.1:\(try ServeHarness.freePort(Int32(SOCK_DGRAM.rawValue)))", timeout_s: 1}
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let logPath = directory.appendingPathComponent("blurd.log").path
        let daemon = try serve(configPath: configPath, logPath: logPath)
        func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        // The broker refuses attempt after attempt; blurd says so once and keeps running.
        XCTAssertTrue(ServeHarness.waitFor(60) {
            broker.log.components(separatedBy: "disconnected, not authorised").count - 1 >= 4
        }, "blurd did not retry; broker log:\n\(broker.log)")
        let refusals = log().split(separator: "\n").filter { $0.contains("refused the connection") }
        XCTAssertEqual(refusals.count, 1, log())
        XCTAssertTrue(refusals.first?.contains("not authorised") ?? false, log())
        XCTAssertTrue(refusals.first?.contains("mqtt.password_file") ?? false, log())
        XCTAssertTrue(daemon.isRunning)
        XCTAssertEqual(ServeHarness.metrics(port: httpPort)["blurd_mqtt_connected"], 0)

        // The right password and a reload: connected.
        try "right-secret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        XCTAssertTrue(ServeHarness.waitFor(60) { ServeHarness.metrics(port: httpPort)["blurd_mqtt_connected"] == 1 },
                      "not connected with the right password; log:\n\(log())")
        kill(daemon.processIdentifier, SIGTERM)
        XCTAssertTrue(ServeHarness.waitFor(60) { !daemon.isRunning })
        daemon.waitUntilExit()
        XCTAssertEqual(daemon.terminationStatus, 0, log())
        XCTAssertFalse(log().contains("PLANTED-wrong-secret"), log())
        XCTAssertFalse(log().contains("right-secret"), log())
    }

    /// mqtts with the CA that signed the broker's certificate connects; with another CA the
    /// handshake fails, once in the log, and blurd keeps running.
    func testTLSVerifiesTheBrokersCertificate() throws {
        let server = try MosquittoBroker.makeCertificates(in: directory, name: "broker")
        let stranger = try MosquittoBroker.makeCertificates(in: directory, name: "stranger")
        let broker = try MosquittoBroker(directory: directory, tls: (server.certificate, server.key))
        try broker.start()
        let httpPort = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        let configPath = directory.appendingPathComponent("blurd.yaml").path
        func config(ca: String) throws {
            try """
                http: {listen: "127.0.0.1:\(httpPort)"}
                mqtt:
                  url: mqtts://localhost:\(broker.port)
                  ca_file: \(ca)
                  client_id: blurd-tls
                  reconnect: {initial_s: 0.2, max_s: 0.5}
                streams:
                  - {name: cam, url: "udp://127.0.0.1:\(try ServeHarness.freePort(Int32(SOCK_DGRAM.rawValue)))", timeout_s: 1}
                """.write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        try config(ca: stranger.ca)
        let logPath = directory.appendingPathComponent("blurd.log").path
        let daemon = try serve(configPath: configPath, logPath: logPath)
        func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        XCTAssertTrue(ServeHarness.waitFor(60) {
            broker.log.components(separatedBy: "OpenSSL Error").count - 1 >= 3
        }, "no refused handshakes; broker log:\n\(broker.log)\nblurd log:\n\(log())")
        let failures = log().split(separator: "\n").filter { $0.contains("MQTT: cannot connect") }
        XCTAssertEqual(failures.count, 1, log())
        print("with a stranger's CA: \(failures.first ?? "")")
        XCTAssertEqual(ServeHarness.metrics(port: httpPort)["blurd_mqtt_connected"], 0)

        try config(ca: server.ca)
        kill(daemon.processIdentifier, SIGHUP)
        XCTAssertTrue(ServeHarness.waitFor(60) { ServeHarness.metrics(port: httpPort)["blurd_mqtt_connected"] == 1 },
                      "no TLS connection with the broker's CA; log:\n\(log())")
        XCTAssertTrue(broker.log.contains("as blurd-tls"), broker.log)
        kill(daemon.processIdentifier, SIGTERM)
        XCTAssertTrue(ServeHarness.waitFor(60) { !daemon.isRunning })
        daemon.waitUntilExit()
        XCTAssertEqual(daemon.terminationStatus, 0, log())
    }
}
