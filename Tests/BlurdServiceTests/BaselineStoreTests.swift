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
        XCTAssertEqual(entry.baseline, 0.974)
        XCTAssertEqual(entry.learnedAt, learnedAt)
        XCTAssertEqual(entry.url, "rtsp://192.0.2.10/stream1")
        XCTAssertEqual(reopened.entry(for: yard)?.baseline, 0.75)
        XCTAssertTrue(log.records.isEmpty, "\(log.records)")

        // The file an operator reads: one entry per stream name, null for the built-in model
        // and for full-resolution analysis, learned_at in ISO 8601 UTC.
        let data = try Data(contentsOf: URL(fileURLWithPath: reopened.path))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, 1)
        let streams = try XCTUnwrap(object["streams"] as? [String: [String: Any]])
        XCTAssertEqual(Set(streams.keys), ["door", "yard"])
        let saved = try XCTUnwrap(streams["door"])
        XCTAssertEqual(Set(saved.keys), ["url", "method", "model", "model_crc", "precision", "analysis_size",
                                          "baseline", "learned_at"])
        XCTAssertEqual(saved["method"] as? String, "cnn")
        XCTAssertTrue(saved["model"] is NSNull)
        XCTAssertEqual(saved["model_crc"] as? String, String(format: "0x%08x", try DefaultModel.load().storedChecksum))
        XCTAssertEqual(saved["precision"] as? String, "int8")
        XCTAssertEqual(saved["analysis_size"] as? Int, 640)
        XCTAssertEqual(saved["learned_at"] as? String, "2026-11-26T05:00:00Z")
        XCTAssertTrue(streams["yard"]?["analysis_size"] is NSNull)
        XCTAssertEqual(streams["yard"]?["model"] as? String, "/var/lib/blurd/yard.blurdmodel")
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"url\" : \"rtsp://192.0.2.10/stream1\""),
                      "paths and URLs are written as an operator types them")

        // A later save replaces the stream's entry and leaves no temporary file behind.
        XCTAssertTrue(reopened.save(0.9, for: door, learnedAt: learnedAt))
        XCTAssertEqual(store.entry(for: door)?.baseline, 0.9)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["baselines.json"])
    }

    /// A score's scale depends on the method, the model and the analysis size, and another URL
    /// is another camera: a change in any of them means no baseline is restored.
    func testAnyChangeOfCameraOrScaleRestoresNothing() throws {
        let directory = try TemporaryDirectory.make("blurd-baselines-mismatch", for: self)
        let store = BaselineStore(directory: directory.path, logger: CapturedLog().logger)
        XCTAssertTrue(store.save(0.974, for: door, learnedAt: learnedAt))
        XCTAssertEqual(store.entry(for: door)?.baseline, 0.974)

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
            XCTAssertTrue(store.lacksEntry(for: changed), label)
        }
        // What a score does not depend on leaves the baseline in force.
        var thresholds = door
        thresholds.thresholds.baselineDrop = 0.1
        thresholds.workers = 2
        XCTAssertEqual(store.entry(for: thresholds)?.baseline, 0.974)
        XCTAssertFalse(store.lacksEntry(for: door))
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
        XCTAssertEqual(store.entry(for: stream)?.baseline, 0.974)

        model.metadata["retrained"] = "yes"
        try Data(model.serialized()).write(to: modelPath)
        XCTAssertNil(store.entry(for: stream))
        XCTAssertTrue(store.lacksEntry(for: stream))
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
        XCTAssertFalse(store.lacksEntry(for: door), "an unreadable file must not count as a deleted entry")
        let warnings = log.records.filter { $0.level == .warning }
        XCTAssertEqual(warnings.count, 1, "\(log.records)")
        XCTAssertTrue(warnings.first?.message.contains("cannot read \(path.path)") ?? false, "\(warnings)")

        XCTAssertTrue(store.save(0.974, for: door, learnedAt: learnedAt))
        XCTAssertEqual(BaselineStore(directory: directory.path, logger: log.logger).entry(for: door)?.baseline, 0.974)
        XCTAssertEqual(log.records.count, 1, "\(log.records)")

        // Valid JSON of another shape, and a future version, are unreadable too.
        for text in ["[1, 2]", "{\"version\": 2, \"streams\": {}}"] {
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
        XCTAssertEqual(store.entry(for: door)?.baseline, 0.974, "the password moved to password_file")
        var rotated = door
        rotated.url = "rtsp://admin:ROTATED@192.0.2.10/stream1"
        XCTAssertEqual(store.entry(for: rotated)?.baseline, 0.974, "the password changed")
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
        XCTAssertEqual(store.entry(for: door)?.baseline, 0.8)
        var yard = StreamConfig(name: "yard", url: "udp://0.0.0.0:5000")
        yard.method = "classic"
        XCTAssertEqual(store.entry(for: yard)?.baseline, 0.5)
        XCTAssertTrue(store.save(0.9, for: door, learnedAt: learnedAt))
        let saved = try String(contentsOf: path, encoding: .utf8)
        XCTAssertFalse(saved.contains("PLANTED"), saved)
        XCTAssertEqual(store.entry(for: yard)?.baseline, 0.5, "the other stream's entry is kept")
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
