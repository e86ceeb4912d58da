@testable import BlurdService
import BlurdTestSupport
import Foundation
import XCTest

final class ServiceConfigTests: XCTestCase {
    private func message(_ yaml: String) -> String {
        do {
            _ = try ServiceConfig.parse(yaml: yaml)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    func testFullConfigParses() throws {
        let config = try ServiceConfig.parse(yaml: """
            http:
              listen: "[::1]:9500"
            shutdown_timeout_s: 4
            streams:
              - name: door
                url: rtsp://camera.local/stream1
                analysis_size: 320
                sampling: {fps: 2, keyframes_only: true}
                method: classic
                workers: 2
                timeout_s: 3
                reconnect: {initial_s: 0.2, max_s: 5, jitter: 0, health_budget_s: 20}
                thresholds: {focus_lost: 0.2, focus_restored: 0.35, min_duration_s: 5, smoothing: 0.1, baseline_minutes: 30, baseline_drop: 0.2}
                outputs:
                  jsonl: {path: /var/lib/blurd/door.jsonl, max_bytes: 100000, keep: 3}
                  stdout: true
                  frames: false
              - name: yard
                url: /srv/clips/yard.mp4
                analysis_size: full
            """)
        XCTAssertEqual(config.listen, ListenAddress(host: "::1", port: 9500))
        XCTAssertEqual(config.shutdownTimeoutSeconds, 4)
        XCTAssertEqual(config.streams.map(\.name), ["door", "yard"])
        let door = config.streams[0]
        XCTAssertEqual(door.analysisSize, 320)
        XCTAssertEqual(door.sampling, SamplingConfig(every: 1, fps: 2, keyframesOnly: true))
        XCTAssertEqual(door.workers, 2)
        XCTAssertEqual(door.reconnect.maxSeconds, 5)
        XCTAssertEqual(door.thresholds, FocusThresholds(focusLost: 0.2, focusRestored: 0.35, minDurationSeconds: 5, smoothing: 0.1,
                                                      baselineMinutes: 30, baselineDrop: 0.2))
        XCTAssertEqual(door.outputs, OutputsConfig(jsonl: RotatingFileConfig(path: "/var/lib/blurd/door.jsonl", maxBytes: 100_000, keep: 3),
                                                  stdout: true, frames: false))
        XCTAssertEqual(door.recipe.input.timeoutSeconds, 3)
        XCTAssertTrue(door.recipe.input.keyframesOnly)
        let yard = config.streams[1]
        XCTAssertNil(yard.analysisSize)
        XCTAssertEqual(yard.method, "cnn")
        XCTAssertEqual(yard.thresholds, FocusThresholds())
    }

    func testDefaults() throws {
        let config = try ServiceConfig.parse(yaml: "streams: [{name: a, url: 'udp://127.0.0.1:5000'}]")
        XCTAssertEqual(config.listen.description, "127.0.0.1:9464")
        XCTAssertEqual(config.shutdownTimeoutSeconds, 10)
        XCTAssertEqual(config.streams[0].analysisSize, 640)
        XCTAssertNil(config.streams[0].outputs.jsonl)
    }

    /// `state_dir` from the file, else `$STATE_DIRECTORY` (systemd's StateDirectory=), else none;
    /// it must be an existing directory, and a misspelling is still an unknown key.
    func testStateDirectory() throws {
        let directory = try TemporaryDirectory.make("blurd-config-state", for: self)
        let file = directory.appendingPathComponent("file")
        try Data().write(to: file)
        let streams = "streams: [{name: a, url: 'udp://h:1'}]"
        XCTAssertNil(try ServiceConfig.parse(yaml: streams).stateDirectory)
        XCTAssertEqual(try ServiceConfig.parse(yaml: "state_dir: \(directory.path)\n" + streams).stateDirectory, directory.path)
        XCTAssertEqual(try ServiceConfig.parse(yaml: streams, environment: ["STATE_DIRECTORY": directory.path]).stateDirectory,
                       directory.path)
        // Several StateDirectory= entries arrive joined by ':'; the file's key wins over the environment.
        XCTAssertEqual(try ServiceConfig.parse(yaml: streams, environment: ["STATE_DIRECTORY": "\(directory.path):/var/lib/other"])
                        .stateDirectory, directory.path)
        XCTAssertEqual(try ServiceConfig.parse(yaml: "state_dir: \(directory.path)\n" + streams,
                                               environment: ["STATE_DIRECTORY": "/nonexistent"]).stateDirectory, directory.path)

        XCTAssertEqual(message("state_dir: \(file.path)\n" + streams), "config: state_dir '\(file.path)': not a directory")
        XCTAssertEqual(message("state_dir: /nonexistent/blurd\n" + streams), "config: state_dir '/nonexistent/blurd': no such directory")
        XCTAssertEqual(message("state_dir: ''\n" + streams), "config: state_dir '': empty")
        XCTAssertTrue(message("state_dir: [a]\n" + streams).hasPrefix("config: state_dir: expected"), message("state_dir: [a]\n" + streams))
        XCTAssertTrue(message("state_directory: /var/lib/blurd\n" + streams)
            .hasPrefix("config: state_directory: unknown key 'state_directory' (known: http, shutdown_timeout_s, state_dir, mqtt, streams)"))
        XCTAssertThrowsError(try ServiceConfig.parse(yaml: streams, environment: ["STATE_DIRECTORY": file.path])) { error in
            XCTAssertEqual("\(error)", "config: state_dir (default: $STATE_DIRECTORY) '\(file.path)': not a directory")
        }
    }

    func testUnknownKeysAreErrorsWithTheirPath() {
        XCTAssertEqual(message("streams: [{name: a, url: 'udp://h:1', thresholds: {focus_lsot: 0.1}}]"),
                       "config: streams[0].thresholds.focus_lsot: unknown key 'focus_lsot' "
                       + "(known: focus_lost, focus_restored, min_duration_s, smoothing, baseline_minutes, baseline_drop)")
        XCTAssertEqual(message("streams: [{name: a, url: 'udp://h:1', pasword_file: /p}]"),
                       "config: streams[0].pasword_file: unknown key 'pasword_file' (known: name, url, username, "
                       + "password_file, format, analysis_size, sampling, method, model, precision, workers, timeout_s, "
                       + "reconnect, thresholds, outputs, day_night)")
        XCTAssertTrue(message("streems: []").hasPrefix("config: streems: unknown key 'streems'"), message("streems: []"))
        XCTAssertTrue(message("http: {port: 1}\nstreams: [{name: a, url: 'udp://h:1'}]").contains("http.port: unknown key"))
    }

    func testBadURLs() {
        XCTAssertTrue(message("streams: [{name: a, url: 'htp//camera'}]").contains("not an absolute path, pipe: or scheme://"))
        XCTAssertTrue(message("streams: [{name: a, url: 'gopher://camera'}]").contains("unsupported scheme 'gopher'"))
        XCTAssertTrue(message("streams: [{name: a, url: 'rtsp://'}]").contains("no host or path"))
        XCTAssertTrue(message("streams: [{name: a, url: 'relative.mp4'}]").contains("url 'relative.mp4'"))
    }

    func testDuplicateNamesAndPaths() {
        let yaml = """
            streams:
              - {name: a, url: 'udp://h:1', outputs: {jsonl: {path: /tmp/x.jsonl}}}
              - {name: a, url: 'udp://h:2', outputs: {jsonl: {path: /tmp/x.jsonl}}}
            """
        let text = message(yaml)
        XCTAssertTrue(text.contains("streams[1] (a): duplicate stream name 'a'"), text)
        XCTAssertTrue(text.contains("outputs.jsonl.path '/tmp/x.jsonl' is used by another stream"), text)
    }

    func testValueErrors() {
        XCTAssertTrue(message("streams: [{name: a, url: 'udp://h:1', thresholds: {focus_lost: 0.6, focus_restored: 0.5}}]")
            .contains("focus_lost (0.6) must be below focus_restored (0.5)"))
        XCTAssertTrue(message("streams: [{name: a, url: 'udp://h:1', method: magic}]").contains("unknown method 'magic'"))
        XCTAssertTrue(message("streams: [{name: 'bad name', url: 'udp://h:1'}]").contains("name 'bad name'"))
        XCTAssertTrue(message("streams: [{name: a, url: 'udp://h:1', sampling: {every: 0}}]").contains("sampling.every"))
        XCTAssertTrue(message("streams: []").contains("at least one stream"))
        XCTAssertTrue(message("streams: [{name: a, url: 'udp://h:1', method: cnn, precision: fp16}]")
            .contains("precision must be int8 or fp32, got 'fp16'"))
        XCTAssertTrue(message("streams: [{name: a, url: 'udp://h:1', method: classic, model: /m.blurdmodel}]")
            .contains("model applies to method cnn only"))
        XCTAssertTrue(message("http: {listen: 'localhost'}\nstreams: [{name: a, url: 'udp://h:1'}]").contains("needs HOST:PORT"))
        XCTAssertTrue(message("streams: [{url: 'udp://h:1'}]").contains("streams[0].name: missing required key"))
        XCTAssertTrue(message("streams: [{name: a, url: 'udp://h:1', workers: many}]").contains("streams[0].workers: expected Int"))
        XCTAssertTrue(message("streams: [a, b").hasPrefix("config: not valid YAML"), message("streams: [a, b"))
    }

    /// Config errors quote URLs and, for bad YAML, the offending line: without its password,
    /// on one line, and at most `echoLimit` characters of it however deep the file nests.
    func testConfigErrorsEchoNoPasswordOnOneShortLine() {
        let scheme = message("streams: [{name: door, url: 'gopher://admin:PLANTED@cam/stream1'}]")
        XCTAssertTrue(scheme.contains("url 'gopher://***@cam/stream1': unsupported scheme"), scheme)

        let yaml = "streams:\n  - name: door\n    url: rtsp://admin:PLANTED@cam/stream1: [\n"
        XCTAssertThrowsError(try ServiceConfig.parse(yaml: yaml)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("config: not valid YAML") && text.contains("rtsp://***@cam"), text)
            XCTAssertFalse(text.contains("PLANTED") || text.contains("\n"), text)
        }

        let deep = "streams: " + String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try ServiceConfig.parse(yaml: deep)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("config: not valid YAML"), String(text.prefix(200)))
            XCTAssertLessThanOrEqual(text.count, "config: ".count + ServiceConfig.echoLimit + 2)
            XCTAssertFalse(text.contains("\n"))
        }
    }

    func testShippedExampleConfigIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("systemd/blurd.yaml").path
        let config = try ServiceConfig.load(path: path)
        XCTAssertEqual(config.streams.map(\.name), ["door", "yard"])
        XCTAssertNil(config.streams[0].username)
        // Its commented credentials, uncommented, as under the unit's LoadCredential= line.
        let credentials = try TemporaryDirectory.make("blurd-example-credentials", for: self)
        try "example\n".write(to: credentials.appendingPathComponent("door-password"), atomically: true, encoding: .utf8)
        let uncommented = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "    # username:", with: "    username:")
            .replacingOccurrences(of: "    # password_file:", with: "    password_file:")
        let withCredentials = try ServiceConfig.parse(yaml: uncommented, environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        XCTAssertEqual(withCredentials.streams[0].recipe.input.url, "rtsp://viewer:example@192.0.2.10:554/stream1")
        XCTAssertEqual(config.streams[0].sampling.fps, 5)
        XCTAssertTrue(config.streams[1].sampling.keyframesOnly)
        XCTAssertEqual(config.streams[1].outputs.jsonl?.keep, 5)
        XCTAssertEqual(config.streams[0].dayNight, DayNightSettings(irChroma: 1.5, colourChroma: 3, switchSeconds: 10, switchFrames: 5))
        XCTAssertEqual(config.streams[1].dayNight, DayNightSettings(), "the defaults are the documented ones")
    }

    func testMissingFileNamesThePath() {
        XCTAssertThrowsError(try ServiceConfig.load(path: "/nonexistent/blurd.yaml")) { error in
            XCTAssertTrue("\(error)".contains("cannot read /nonexistent/blurd.yaml"), "\(error)")
        }
    }

    func testRecordingSegmentKeys() throws {
        let stream = "streams: [{name: a, url: 'udp://h:1', outputs: {recording: {directory: /rec%@}}}]"
        func yaml(_ keys: String) -> String { stream.replacingOccurrences(of: "%@", with: keys) }
        let defaults = try XCTUnwrap(try ServiceConfig.parse(yaml: yaml("")).streams[0].outputs.recording)
        XCTAssertEqual(defaults.segmentMinutes, 10)
        XCTAssertNil(defaults.keepSegments)
        let set = try XCTUnwrap(try ServiceConfig.parse(yaml: yaml(", segment_minutes: 0.5, keep_segments: 48"))
            .streams[0].outputs.recording)
        XCTAssertEqual(set, RecordingConfig(directory: "/rec", segmentMinutes: 0.5, keepSegments: 48))

        for bad in ["0", "-5", "0.01", ".nan"] {
            let text = message(yaml(", segment_minutes: \(bad)"))
            XCTAssertTrue(text.contains("streams[0] (a): outputs.recording.segment_minutes must be a number of minutes of at least 1/60"),
                          text)
        }
        XCTAssertTrue(message(yaml(", keep_segments: 0")).contains("outputs.recording.keep_segments must be in 1...1000000, got 0"))
        XCTAssertTrue(message(yaml(", keep_segments: two")).contains("keep_segments: expected Int"), message(yaml(", keep_segments: two")))
        XCTAssertTrue(message(yaml(", segment_minute: 5")).contains("recording.segment_minute: unknown key 'segment_minute'"))
    }

    func testSegmentFileNames() {
        let recording = RecordingConfig(directory: "/rec", container: "mkv")
        let path = recording.path(stream: "cam", start: Date(timeIntervalSince1970: 1_714_564_800))
        XCTAssertEqual(path, "/rec/cam-20240501T120000Z.mkv")
        XCTAssertTrue(recording.isSegment("cam-20240501T120000Z.mkv", of: "cam"))
        XCTAssertFalse(recording.isSegment("cam-2-20240501T120000Z.mkv", of: "cam"))
        XCTAssertTrue(recording.isSegment("cam-2-20240501T120000Z.mkv", of: "cam-2"))
        XCTAssertFalse(recording.isSegment("cam-20240501T120000Z.mp4", of: "cam"))
        XCTAssertFalse(recording.isSegment("cam-20240501-120000Z.mkv", of: "cam"))
        XCTAssertFalse(recording.isSegment("cam-20240501T120000Z.mkv.part", of: "cam"))
    }

    func testReconnectBackoffIsCappedAndJittered() {
        let policy = ReconnectPolicy(initialSeconds: 0.5, maxSeconds: 8, multiplier: 2, jitter: 0.5)
        XCTAssertEqual(policy.delay(attempt: 0, unit: 0), 0.25)
        XCTAssertEqual(policy.delay(attempt: 0, unit: 1), 0.5)
        XCTAssertEqual(policy.delay(attempt: 3, unit: 1), 4)
        XCTAssertEqual(policy.delay(attempt: 4, unit: 1), 8)
        XCTAssertEqual(policy.delay(attempt: 1000, unit: 1), 8)
        XCTAssertEqual(policy.delay(attempt: 1000, unit: 0), 4)
        XCTAssertEqual(ReconnectPolicy(initialSeconds: 1, maxSeconds: 1, jitter: 0).delay(attempt: 7, unit: 0.9), 1)
    }

    /// The numbers that trapped the daemon (or, like workers 100000, exhausted memory) after
    /// `--check` had called them valid: each is one problem naming the key and its range.
    func testOutOfRangeNumbersAreConfigProblems() {
        let table: [(String, String)] = [
            ("timeout_s: 1e300", "streams[0] (a): timeout_s must be in (0, 86400], got 1e+300"),
            ("timeout_s: .inf", "streams[0] (a): timeout_s must be in (0, 86400], got inf"),
            ("timeout_s: .nan", "streams[0] (a): timeout_s must be in (0, 86400], got nan"),
            ("workers: 100000", "streams[0] (a): workers must be in 1...256, got 100000"),
            ("workers: \(Int.max)", "streams[0] (a): workers must be in 1...256, got \(Int.max)"),
            ("analysis_size: 1000000", "streams[0] (a): analysis_size must be in 16...16384 or 'full', got 1000000"),
            ("sampling: {fps: .inf}", "streams[0] (a): sampling.fps must be in (0, 1000], got inf"),
            ("sampling: {every: 0}", "streams[0] (a): sampling.every must be in 1...1000000, got 0"),
            ("reconnect: {max_s: .inf}", "streams[0] (a): reconnect.max_s must be in (0, 86400], got inf"),
            ("reconnect: {multiplier: 1e300}", "streams[0] (a): reconnect.multiplier must be in 1...10, got 1e+300"),
            ("reconnect: {health_budget_s: -25}", "streams[0] (a): reconnect.health_budget_s must be in (0, 86400], got -25"),
            ("thresholds: {min_duration_s: .inf}", "streams[0] (a): min_duration_s must be in 0...86400, got inf"),
            ("thresholds: {baseline_minutes: 1e300}", "streams[0] (a): baseline_minutes must be in 0...10080, got 1e+300"),
            ("day_night: {ir_chroma: .nan}", "streams[0] (a): day_night.ir_chroma must be in 0...100, got nan"),
            ("day_night: {colour_chroma: 300}", "streams[0] (a): day_night.colour_chroma must be in 0...255, got 300"),
            ("day_night: {ir_chroma: 8, colour_chroma: 5}", "streams[0] (a): day_night.ir_chroma (8.0) must be below day_night.colour_chroma (5.0)"),
            ("day_night: {switch_s: -1}", "streams[0] (a): day_night.switch_s must be in 0...86400, got -1"),
            ("day_night: {switch_frames: 0}", "streams[0] (a): day_night.switch_frames must be in 1...2160000, got 0"),
            ("outputs: {recording: {directory: /r, crf: 99}}", "streams[0] (a): outputs.recording.crf for libx264 must be in 0...51, got 99"),
            ("outputs: {recording: {directory: /r, segment_minutes: .inf}}", "outputs.recording.segment_minutes must be a number of minutes of at least 1/60"),
            ("outputs: {jsonl: {path: /j, keep: 100000}}", "streams[0] (a): outputs.jsonl.keep must be in 1...1000, got 100000"),
            ("outputs: {jsonl: {path: /j, max_bytes: \(Int.max)}}", "streams[0] (a): outputs.jsonl.max_bytes must be in 4096...1099511627776, got \(Int.max)"),
        ]
        for (keys, expected) in table {
            let text = message("streams: [{name: a, url: 'udp://h:1', \(keys)}]")
            XCTAssertTrue(text.hasPrefix("config: ") && text.contains(expected), "\(keys): \(text)")
        }
        let shutdown = message("shutdown_timeout_s: .inf\nstreams: [{name: a, url: 'udp://h:1'}]")
        XCTAssertEqual(shutdown, "config: shutdown_timeout_s must be in (0, 3600], got inf")
    }

    /// `--check`'s second stage: what the values alone cannot tell.
    func testRuntimeProblemsNameTheModelTheDirectoriesAndTheListenHost() throws {
        let directory = try TemporaryDirectory.make("blurd-check", for: self)
        let readOnly = directory.appendingPathComponent("read-only")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: readOnly.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: readOnly.path) }
        let yaml = """
            http: {listen: 'nonexistent.invalid:9464'}
            state_dir: \(readOnly.path)
            streams:
              - {name: a, url: 'udp://h:1', model: \(directory.path)/missing.blurdmodel,
                 outputs: {jsonl: {path: \(directory.path)/nowhere/a.jsonl}, recording: {directory: \(directory.path)/gone}}}
              - {name: b, url: 'udp://h:2', method: classic, outputs: {jsonl: {path: \(directory.path)/b.jsonl}}}
            """
        let problems = try ServiceConfig.parse(yaml: yaml).runtimeProblems()
        let expected = [
            "streams[0] (a): invalid option: cannot use the model: cannot read model file \(directory.path)/missing.blurdmodel",
            "streams[0] (a): outputs.jsonl.path '\(directory.path)/nowhere/a.jsonl': directory \(directory.path)/nowhere does not exist",
            "streams[0] (a): outputs.recording.directory '\(directory.path)/gone' does not exist",
        ]
            // Root writes into a read-only directory, so the problem exists for other users only.
            + (getuid() == 0 ? [] : ["state_dir '\(readOnly.path)' is not writable (Permission denied)"])
            + ["http.listen: cannot resolve host 'nonexistent.invalid'"]
        XCTAssertEqual(problems.count, expected.count, "\(problems)")
        for (problem, start) in zip(problems, expected) {
            XCTAssertTrue(problem.hasPrefix(start), "\(problem) does not start with \(start)")
        }
        let valid = "streams: [{name: b, url: 'udp://h:2', method: classic, outputs: {jsonl: {path: \(directory.path)/b.jsonl}}}]"
        XCTAssertEqual(try ServiceConfig.parse(yaml: valid).runtimeProblems(), [])
    }
}
