@testable import BlurdService
import BlurdSegmenter
import BlurdTestSupport
import Foundation
import XCTest

/// `BaselineStore`: the file round trip, what must match for a baseline to be restored, and
/// that a damaged or unwritable state directory never throws.
final class BaselineStoreTests: XCTestCase {
    private let learnedAt = Date(timeIntervalSince1970: 1_795_669_200)  // 2026-11-26T05:00:00Z

    private var door: StreamConfig {
        var stream = StreamConfig(name: "door", url: "rtsp://192.0.2.10/stream1")
        stream.method = "cnn"
        stream.analysisSize = 640
        return stream
    }

    func testRoundTripThroughTheFileKeepsOtherStreams() throws {
        let directory = try TemporaryDirectory.make("blurd-baselines", for: self)
        let log = CapturedLog()
        let store = BaselineStore(directory: directory.path, logger: log.logger)
        XCTAssertNil(store.entry(for: door), "a missing file holds nothing")
        var yard = StreamConfig(name: "yard", url: "udp://0.0.0.0:5000")
        yard.model = "/var/lib/blurd/yard.blurdmodel"
        yard.analysisSize = nil
        XCTAssertTrue(store.save(0.974, for: door, learnedAt: learnedAt))
        XCTAssertTrue(store.save(0.75, for: yard, learnedAt: learnedAt))

        // A second store (the restarted daemon) reads what the first wrote.
        let reopened = BaselineStore(directory: directory.path, logger: log.logger)
        let entry = try XCTUnwrap(reopened.entry(for: door))
        XCTAssertEqual(entry.modes, [.colour: BaselineStore.ModeBaseline(baseline: 0.974, learnedAt: learnedAt)])
        XCTAssertEqual(entry.url, "rtsp://192.0.2.10/stream1")
        XCTAssertEqual(reopened.entry(for: yard)?.modes[.colour]?.baseline, 0.75)
        XCTAssertTrue(log.records.isEmpty, "\(log.records)")

        // The file an operator reads: one entry per stream name, null for the built-in model
        // and for full-resolution analysis, learned_at in ISO 8601 UTC.
        let data = try Data(contentsOf: URL(fileURLWithPath: reopened.path))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, 2)
        let streams = try XCTUnwrap(object["streams"] as? [String: [String: Any]])
        XCTAssertEqual(Set(streams.keys), ["door", "yard"])
        let saved = try XCTUnwrap(streams["door"])
        XCTAssertEqual(Set(saved.keys), ["url", "method", "model", "model_crc", "precision", "analysis_size", "modes"])
        XCTAssertEqual(saved["method"] as? String, "cnn")
        XCTAssertTrue(saved["model"] is NSNull)
        XCTAssertEqual(saved["model_crc"] as? String, String(format: "0x%08x", try DefaultModel.load().storedChecksum))
        XCTAssertEqual(saved["precision"] as? String, "int8")
        XCTAssertEqual(saved["analysis_size"] as? Int, 640)
        let colour = try XCTUnwrap((saved["modes"] as? [String: [String: Any]])?["colour"])
        XCTAssertEqual(colour["baseline"] as? Double, 0.974)
        XCTAssertEqual(colour["learned_at"] as? String, "2026-11-26T05:00:00Z")
        XCTAssertTrue(streams["yard"]?["analysis_size"] is NSNull)
        XCTAssertEqual(streams["yard"]?["model"] as? String, "/var/lib/blurd/yard.blurdmodel")
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"url\" : \"rtsp://192.0.2.10/stream1\""),
                      "paths and URLs are written as an operator types them")

        // A later save replaces the stream's entry and leaves no temporary file behind.
        XCTAssertTrue(reopened.save(0.9, for: door, learnedAt: learnedAt))
        XCTAssertEqual(store.entry(for: door)?.modes[.colour]?.baseline, 0.9)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["baselines.json"])
    }

    /// A score's scale depends on the method, the model and the analysis size, and another URL
    /// is another camera: a change in any of them means no baseline is restored.
    func testAnyChangeOfCameraOrScaleRestoresNothing() throws {
        let directory = try TemporaryDirectory.make("blurd-baselines-mismatch", for: self)
        let store = BaselineStore(directory: directory.path, logger: CapturedLog().logger)
        XCTAssertTrue(store.save(0.974, for: door, learnedAt: learnedAt))
        XCTAssertEqual(store.entry(for: door)?.modes[.colour]?.baseline, 0.974)

        var url = door
        url.url = "rtsp://192.0.2.11/stream1"
        var method = door
        method.method = "classic"
        var model = door
        model.model = "/var/lib/blurd/door.blurdmodel"
        var size = door
        size.analysisSize = 320
        var full = door
        full.analysisSize = nil
        var name = door
        name.name = "door2"
        var precision = door
        precision.precision = "fp32"
        for (label, changed) in [("url", url), ("method", method), ("model", model), ("analysis size", size),
                                 ("full resolution", full), ("name", name), ("precision", precision)] {
            XCTAssertNil(store.entry(for: changed), label)
            XCTAssertTrue(store.lacksEntry(for: changed, mode: .colour), label)
        }
        // What a score does not depend on leaves the baseline in force.
        var thresholds = door
        thresholds.thresholds.baselineDrop = 0.1
        thresholds.workers = 2
        XCTAssertEqual(store.entry(for: thresholds)?.modes[.colour]?.baseline, 0.974)
        XCTAssertFalse(store.lacksEntry(for: door, mode: .colour))
    }

    /// Retrained weights written over the same model path (or an upgrade's new built-in model)
    /// change the score's scale: the stored CRC-32 of the weights no longer matches.
    func testAModelReplacedAtTheSamePathRestoresNothing() throws {
        let directory = try TemporaryDirectory.make("blurd-baselines-model", for: self)
        let modelPath = directory.appendingPathComponent("door.blurdmodel")
        var model = try DefaultModel.load()
        try Data(model.serialized()).write(to: modelPath)
        var stream = door
        stream.model = modelPath.path
        let store = BaselineStore(directory: directory.path, logger: CapturedLog().logger)
        XCTAssertTrue(store.save(0.974, for: stream, learnedAt: learnedAt))
        XCTAssertEqual(store.entry(for: stream)?.modes[.colour]?.baseline, 0.974)

        model.metadata["retrained"] = "yes"
        try Data(model.serialized()).write(to: modelPath)
        XCTAssertNil(store.entry(for: stream))
        XCTAssertTrue(store.lacksEntry(for: stream, mode: .colour))
    }

    /// A corrupt file is one warning, then read as empty; no call throws, and the next save
    /// replaces it with a readable file.
    func testCorruptFileIsOneWarningAndEmpty() throws {
        let directory = try TemporaryDirectory.make("blurd-baselines-corrupt", for: self)
        let path = directory.appendingPathComponent("baselines.json")
        try Data("{\"version\": 1, \"streams\": {\"door\": {\"url\": ".utf8).write(to: path)
        let log = CapturedLog()
        let store = BaselineStore(directory: directory.path, logger: log.logger)
        XCTAssertNil(store.entry(for: door))
        XCTAssertNil(store.entry(for: door))
        XCTAssertFalse(store.lacksEntry(for: door, mode: .colour), "an unreadable file must not count as a deleted entry")
        let warnings = log.records.filter { $0.level == .warning }
        XCTAssertEqual(warnings.count, 1, "\(log.records)")
        XCTAssertTrue(warnings.first?.message.contains("cannot read \(path.path)") ?? false, "\(warnings)")

        XCTAssertTrue(store.save(0.974, for: door, learnedAt: learnedAt))
        XCTAssertEqual(BaselineStore(directory: directory.path, logger: log.logger).entry(for: door)?.modes[.colour]?.baseline, 0.974)
        XCTAssertEqual(log.records.count, 1, "\(log.records)")

        // Valid JSON of another shape, and a future version, are unreadable too.
        for text in ["[1, 2]", "{\"version\": 3, \"streams\": {}}"] {
            try Data(text.utf8).write(to: path)
            let fresh = CapturedLog()
            XCTAssertNil(BaselineStore(directory: directory.path, logger: fresh.logger).entry(for: door), text)
            XCTAssertEqual(fresh.records.map(\.level), [.warning], text)
        }
    }

    /// The entry names the camera without its credentials: a password changed, or moved from the
    /// URL to `password_file`, keeps the baseline, and baselines.json never holds a password,
    /// not even one an older blurd wrote there (it still matches, and the next save drops it).
    func testCredentialsAreNeitherStoredNorCompared() throws {
        let directory = try TemporaryDirectory.make("blurd-baselines-credentials", for: self)
        let path = directory.appendingPathComponent("baselines.json")
        let store = BaselineStore(directory: directory.path, logger: CapturedLog().logger)
        var withPassword = door
        withPassword.url = "rtsp://admin:PLANTED@192.0.2.10/stream1"
        XCTAssertTrue(store.save(0.974, for: withPassword, learnedAt: learnedAt))
        XCTAssertEqual(store.entry(for: withPassword)?.url, "rtsp://192.0.2.10/stream1")
        XCTAssertEqual(store.entry(for: door)?.modes[.colour]?.baseline, 0.974, "the password moved to password_file")
        var rotated = door
        rotated.url = "rtsp://admin:ROTATED@192.0.2.10/stream1"
        XCTAssertEqual(store.entry(for: rotated)?.modes[.colour]?.baseline, 0.974, "the password changed")
        XCTAssertFalse(try String(contentsOf: path, encoding: .utf8).contains("PLANTED"))

        let legacy = """
            {"version": 1, "streams": {
              "door": {"url": "rtsp://admin:PLANTED@192.0.2.10/stream1", "method": "cnn", "model": null,
                       "model_crc": "\(try XCTUnwrap(BaselineStore.Entry.modelChecksum(of: door)))", "precision": "int8",
                       "analysis_size": 640, "baseline": 0.8, "learned_at": "2026-11-26T05:00:00Z"},
              "yard": {"url": "udp://u:PLANTED@0.0.0.0:5000", "method": "classic", "model": null, "model_crc": null,
                       "precision": null, "analysis_size": 640, "baseline": 0.5, "learned_at": "2026-11-26T05:00:00Z"}}}
            """
        try Data(legacy.utf8).write(to: path)
        XCTAssertEqual(store.entry(for: door)?.modes[.colour]?.baseline, 0.8)
        var yard = StreamConfig(name: "yard", url: "udp://0.0.0.0:5000")
        yard.method = "classic"
        XCTAssertEqual(store.entry(for: yard)?.modes[.colour]?.baseline, 0.5)
        XCTAssertTrue(store.save(0.9, for: door, learnedAt: learnedAt))
        let saved = try String(contentsOf: path, encoding: .utf8)
        XCTAssertFalse(saved.contains("PLANTED"), saved)
        XCTAssertEqual(store.entry(for: yard)?.modes[.colour]?.baseline, 0.5, "the other stream's entry is kept")
    }

    /// Each day/night mode has its own baseline in the stream's entry: saving one keeps the
    /// other, both survive a restart, and a mode deleted from the file is missed alone.
    func testBothModesRoundTripAndAreDeletedSeparately() throws {
        let directory = try TemporaryDirectory.make("blurd-baselines-modes", for: self)
        let store = BaselineStore(directory: directory.path, logger: CapturedLog().logger)
        let night = learnedAt.addingTimeInterval(12 * 3600)
        XCTAssertTrue(store.lacksEntry(for: door, mode: .infrared))
        XCTAssertTrue(store.save(0.974, mode: .colour, for: door, learnedAt: learnedAt))
        XCTAssertTrue(store.lacksEntry(for: door, mode: .infrared))
        XCTAssertTrue(store.save(0.81, mode: .infrared, for: door, learnedAt: night))
        let reopened = BaselineStore(directory: directory.path, logger: CapturedLog().logger)
        XCTAssertEqual(reopened.entry(for: door)?.modes, [.colour: BaselineStore.ModeBaseline(baseline: 0.974, learnedAt: learnedAt),
                                                          .infrared: BaselineStore.ModeBaseline(baseline: 0.81, learnedAt: night)])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: store.path))) as? [String: Any])
        let modes = try XCTUnwrap(((object["streams"] as? [String: Any])?["door"] as? [String: Any])?["modes"] as? [String: [String: Any]])
        XCTAssertEqual(modes["ir"]?["baseline"] as? Double, 0.81)
        XCTAssertEqual(modes["ir"]?["learned_at"] as? String, "2026-11-26T17:00:00Z")
        XCTAssertEqual(modes["colour"]?["baseline"] as? Double, 0.974)

        // An operator deletes the infrared baseline only.
        let text = try String(contentsOfFile: store.path, encoding: .utf8)
        var edited = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var streams = try XCTUnwrap(edited["streams"] as? [String: [String: Any]])
        streams["door"]?["modes"] = ["colour": modes["colour"]!]
        edited["streams"] = streams
        try JSONSerialization.data(withJSONObject: edited).write(to: URL(fileURLWithPath: store.path))
        XCTAssertTrue(store.lacksEntry(for: door, mode: .infrared))
        XCTAssertFalse(store.lacksEntry(for: door, mode: .colour))

        // Another scale (here the analysis size) starts a new entry: the old modes go with it.
        var resized = door
        resized.analysisSize = 320
        XCTAssertTrue(store.save(0.7, mode: .infrared, for: resized, learnedAt: night))
        XCTAssertEqual(store.entry(for: resized)?.modes, [.infrared: BaselineStore.ModeBaseline(baseline: 0.7, learnedAt: night)])
    }

    /// A file the previous release wrote (version 1, one baseline per stream) is read with that
    /// baseline as the colour mode's; the next save writes version 2 and keeps it.
    func testAVersionOneFileBecomesTheColourBaselines() throws {
        let directory = try TemporaryDirectory.make("blurd-baselines-migration", for: self)
        let path = directory.appendingPathComponent("baselines.json")
        let legacy = """
            {
              "streams" : {
                "door" : {
                  "analysis_size" : 640,
                  "baseline" : 0.974,
                  "learned_at" : "2026-11-26T05:00:00Z",
                  "method" : "cnn",
                  "model" : null,
                  "model_crc" : "\(try XCTUnwrap(BaselineStore.Entry.modelChecksum(of: door)))",
                  "precision" : "int8",
                  "url" : "rtsp://192.0.2.10/stream1"
                }
              },
              "version" : 1
            }
            """
        try Data(legacy.utf8).write(to: path)
        let log = CapturedLog()
        let store = BaselineStore(directory: directory.path, logger: log.logger)
        XCTAssertEqual(store.entry(for: door)?.modes, [.colour: BaselineStore.ModeBaseline(baseline: 0.974, learnedAt: learnedAt)])
        XCTAssertTrue(store.lacksEntry(for: door, mode: .infrared))
        XCTAssertFalse(store.lacksEntry(for: door, mode: .colour))

        XCTAssertTrue(store.save(0.8, mode: .infrared, for: door, learnedAt: learnedAt))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, 2)
        let saved = try XCTUnwrap((object["streams"] as? [String: [String: Any]])?["door"])
        XCTAssertNil(saved["baseline"], "version 2 keeps baselines under modes only")
        XCTAssertEqual(store.entry(for: door)?.modes.mapValues(\.baseline), [.colour: 0.974, .infrared: 0.8])
        XCTAssertTrue(log.records.isEmpty, "\(log.records)")
    }

    /// A save that cannot be written (the directory vanished) is a warning and false, not a throw.
    func testFailedSaveIsAWarning() throws {
        let directory = try TemporaryDirectory.make("blurd-baselines-gone", for: self)
        let gone = directory.appendingPathComponent("gone").path
        let log = CapturedLog()
        let store = BaselineStore(directory: gone, logger: log.logger)
        XCTAssertNil(store.entry(for: door))
        XCTAssertFalse(store.save(0.974, for: door, learnedAt: learnedAt))
        XCTAssertEqual(log.records.map(\.level), [.warning])
        XCTAssertTrue(log.records.first?.message.contains("cannot save the baseline of stream door") ?? false,
                      "\(log.records)")
    }
}
