import BlurdMedia
import BlurdTestSupport
import Foundation
import XCTest

/// The library report of `blurd triage` as its consumers see it: report.html in headless
/// Chromium, timeline.otio in OpenTimelineIO's Python package, thumbnails as decoded JPEGs, and
/// source timecodes from a clip made with `ffmpeg -timecode`.
final class TriageReportTests: XCTestCase {
    /// The repository, for scripts/.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A 320×180 testsrc2 clip at `rate` starting at source timecode `timecode`, Gaussian-blurred
    /// (σ 6) from 1 s up to, not including, 2 s.
    static func timecodeClip(at path: String, rate: String, timecode: String, seconds: Int = 4) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try ExternalTool.output("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                                           "-i", "testsrc2=s=320x180:r=\(rate):d=\(seconds)",
                                           "-vf", "gblur=sigma=6:enable='between(t,1,1.99)'", "-timecode", timecode,
                                           "-c:v", "libx264", "-preset", "ultrafast", path])
    }

    /// The triage folder plus a 25 fps clip at 01:00:00:00 and a 29.97 one at 10:00:00;00.
    static func library(in base: URL) throws -> String {
        let lib = try TriageFolder.make(in: base)
        try timecodeClip(at: lib + "/tc/A001.mp4", rate: "25", timecode: "01:00:00:00")
        try timecodeClip(at: lib + "/tc/B001.mov", rate: "30000/1001", timecode: "10:00:00;00")
        return lib
    }

    static func rows(_ out: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/triage.json"))
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(summary["clips"] as? [[String: Any]])
    }

    func testReportPageRendersInChromiumWithLoadedThumbnails() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let chromium else {
            // CI installs it (scripts/install-deps.sh): there its absence is a failure.
            if ProcessInfo.processInfo.environment["CI"] == "true" { return XCTFail("chromium is not installed") }
            throw XCTSkip("chromium is not installed (scripts/install-deps.sh installs it)")
        }
        let base = try TemporaryDirectory.make("triage-report", for: self)
        let lib = try Self.library(in: base)
        // A name the page must escape and its thumbnail link percent-encode.
        let oddName = "odd/take #2 <b>&'\"%20.mp4"
        try TriageMedia.clip(at: lib + "/" + oddName, frames: 75, blurred: 25..<55)
        let out = base.appendingPathComponent("out").path
        let run = try TriageCommandTests.blurd(["triage", lib, "--output-dir", out, "--progress", "none"])
        XCTAssertEqual(run.status, 9, run.stderr)

        let rows = try Self.rows(out)
        let odd = try XCTUnwrap(rows.first { $0["clip"] as? String == "lib/" + oddName })
        XCTAssertEqual((odd["soft_shots"] as? [Any])?.count, 1)
        let clips = rows.filter { $0["status"] as? String != "skipped" }
        let analysed = clips.filter { ["ok", "partial"].contains($0["status"] as? String) }
        let shots = analysed.reduce(0) { $0 + min(24, ($1["soft_shots"] as? [Any])?.count ?? 0) }
        XCTAssertGreaterThanOrEqual(shots, 3, "soft.mp4, A001 and B001 each have a soft shot")

        let screenshot = FileManager.default.temporaryDirectory.appendingPathComponent("blurd-report-check.png").path
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", Self.repository.path + "/scripts/check-report-html.py", out + "/report.html",
                           "--rows", String(clips.count), "--images", String(shots), "--strips", String(analysed.count),
                           "--screenshot", screenshot, "--chromium", chromium]
        let output = Pipe()
        check.standardOutput = output
        try check.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, printed)
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG screenshot")
        print("report screenshot: \(screenshot)")

        // The page links only files under DIR, and never inlines image data.
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        XCTAssertFalse(html.contains("data:image"))
        XCTAssertFalse(html.contains("http://") || html.contains("https://"), "no network")
        XCTAssertTrue(html.contains("source TC 01:00:00:00"), "A001's timecode note")
        XCTAssertTrue(html.contains("01:00:01:00 – "), "A001's soft shot in source timecode")
        XCTAssertTrue(html.contains("lib/odd/take #2 &lt;b&gt;&amp;&#39;&quot;%20.mp4"), "the odd name, escaped")
        XCTAssertFalse(html.contains("<b>&"))
    }

    func testThumbnailShowsTheOverlayAndIsKeptOnARerun() throws {
        let base = try TemporaryDirectory.make("triage-thumbs", for: self)
        let lib = base.appendingPathComponent("lib").path
        try TriageMedia.clip(at: lib + "/soft.mp4", frames: 75, blurred: 25..<55)
        try TriageMedia.clip(at: lib + "/sharp.mp4", frames: 30)
        let out = base.appendingPathComponent("out").path
        let first = try TriageCommandTests.blurd(["triage", lib, "--output-dir", out, "--progress", "none"])
        XCTAssertEqual(first.status, 0, first.stderr)

        let folder = out + "/thumbs/lib/soft.mp4"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertEqual(names.count, 1, "\(names)")
        let name = try XCTUnwrap(names.first)
        XCTAssertTrue(name.hasPrefix("shot-1-f") && name.hasSuffix("-320x180.jpg"), name)
        XCTAssertNil(try? FileManager.default.contentsOfDirectory(atPath: out + "/thumbs/lib/sharp.mp4"))
        // The whole frame is defocused: the overlay tints it red to yellow (red well above blue)
        // everywhere but the score panel.
        let image = try ImageFile.loadRGB(folder + "/" + name)
        XCTAssertEqual(image.width, 320)
        var tinted = 0
        for pixel in stride(from: 0, to: image.rgb.count, by: 3) where Int(image.rgb[pixel]) > Int(image.rgb[pixel + 2]) + 60 {
            tinted += 1
        }
        XCTAssertGreaterThan(Double(tinted) / Double(image.width * image.height), 0.6)

        // A rerun resumes every clip and keeps the thumbnail as it is: nothing is decoded again.
        let modified = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.modificationDate] as? Date
        let second = try TriageCommandTests.blurd(["triage", lib, "--output-dir", out, "--progress", "none"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [name])
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.modificationDate] as? Date, modified)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        XCTAssertTrue(html.contains("src=\"thumbs/lib/soft.mp4/\(name)\""), "the rebuilt page links it")
    }

    func testTimelineLoadsInOpenTimelineIOWithSourceTimecodeMarkers() throws {
        let base = try TemporaryDirectory.make("triage-otio", for: self)
        let lib = try Self.library(in: base)
        let out = base.appendingPathComponent("out").path
        let run = try TriageCommandTests.blurd(["triage", lib, "--output-dir", out, "--progress", "none"])
        XCTAssertEqual(run.status, 9, run.stderr)

        // What the timeline must hold, from triage.json: every analysed clip, its rate, and a
        // marker per soft shot starting at the source timecode count plus the shot's frame.
        let rows = try Self.rows(out)
        var expected: [[String: Any]] = []
        for row in rows where ["ok", "partial"].contains(row["status"] as? String) {
            let rate = try XCTUnwrap(row["frame_rate"] as? Double)
            let name = try XCTUnwrap(row["clip"] as? String)
            let start: Int
            switch name {
            case "lib/tc/A001.mp4": start = 90_000
            case "lib/tc/B001.mov": start = 1_078_920  // 10:00:00;00 at 29.97 drop-frame
            default: start = 0
            }
            XCTAssertEqual(row["tc_origin"] as? String, start > 0 ? "source" : "first_frame", name)
            let markers = (row["soft_shots"] as? [[String: Any]] ?? []).map { shot -> [Int] in
                let first = shot["start_frame"] as? Int ?? -1, end = shot["end_frame"] as? Int ?? -1
                return [start + first, end - first]
            }
            expected.append(["name": name, "rate": rate, "start": start, "markers": markers,
                             "path": try XCTUnwrap(row["path"] as? String)])
        }
        XCTAssertEqual(expected.count, 6)
        let a001 = try XCTUnwrap(rows.first { $0["clip"] as? String == "lib/tc/A001.mp4" })
        let shot = try XCTUnwrap((a001["soft_shots"] as? [[String: Any]])?.first)
        // The blur covers frames 25 to 49 at 25 fps; sampled at 5 fps the out point is one past
        // the last sampled soft frame (45), in source timecode.
        XCTAssertEqual(shot["start_tc"] as? String, "01:00:01:00")
        XCTAssertEqual(shot["end_tc"] as? String, "01:00:01:21")
        XCTAssertEqual(a001["source_start_tc"] as? String, "01:00:00:00")

        let script = #"""
import json, sys, urllib.parse, opentimelineio as otio
expected = json.loads(sys.argv[2])
timeline = otio.adapters.read_from_file(sys.argv[1])
clips = list(timeline.find_clips())
assert len(timeline.tracks) == 1 and timeline.tracks[0].kind == otio.schema.TrackKind.Video
assert [c.name for c in clips] == [e["name"] for e in expected], [c.name for c in clips]
for clip, want in zip(clips, expected):
    ref = clip.media_reference
    assert isinstance(ref, otio.schema.ExternalReference), clip.name
    assert urllib.parse.unquote(urllib.parse.urlparse(ref.target_url).path).endswith(want["path"].lstrip(".")), ref.target_url
    available = ref.available_range
    assert abs(available.start_time.rate - want["rate"]) < 1e-6, (clip.name, available.start_time.rate)
    assert available.start_time.value == want["start"], (clip.name, available.start_time.value)
    assert clip.source_range == available
    got = [[int(m.marked_range.start_time.value), int(m.marked_range.duration.value)] for m in clip.markers]
    assert got == want["markers"], (clip.name, got, want["markers"])
    for marker in clip.markers:
        assert marker.color == otio.schema.MarkerColor.RED and marker.name.startswith("SOFT "), marker.name
        assert abs(marker.marked_range.start_time.rate - want["rate"]) < 1e-6
        assert available.contains(marker.marked_range), (clip.name, marker.marked_range)
    assert clip.metadata["blurd"]["clip"] == want["name"]
print("otio ok:", len(clips), "clips,", sum(len(c.markers) for c in clips), "markers")
"""#
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let expectation = String(decoding: try JSONSerialization.data(withJSONObject: expected), as: UTF8.self)
        check.arguments = ["python3", "-c", script, out + "/timeline.otio", expectation]
        let errors = Pipe()
        check.standardError = errors
        try check.run()
        let printed = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, printed)
    }

    func testAnalyzeReportsUseTheSourceTimecode() throws {
        let base = try TemporaryDirectory.make("analyze-tc", for: self)
        let clip = base.path + "/A001.mp4"
        try Self.timecodeClip(at: clip, rate: "25", timecode: "01:00:00:00")
        let run = try TriageCommandTests.blurd(["analyze", clip, "--output", base.path + "/a.jsonl",
                                                "--report-prefix", base.path + "/a"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let csv = try String(contentsOfFile: base.path + "/a.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 2, "\(csv)")
        let fields = csv[1].split(separator: ",").map(String.init)
        XCTAssertEqual(fields[1], "25")
        XCTAssertEqual(fields[3], "01:00:01:00")
        XCTAssertEqual(fields[4], "01:00:02:00")
        XCTAssertEqual(fields.last, "source")
        let edl = try String(contentsOfFile: base.path + "/a.edl", encoding: .utf8)
        XCTAssertTrue(edl.contains("001  AX       V     C        01:00:01:00 01:00:02:00 01:00:01:00 01:00:02:00"), edl)
        XCTAssertTrue(edl.contains(", SOURCE TC\r\n"), edl)

        // `blurd report` has only the log: first-frame timecodes unless told the source's.
        let report = try TriageCommandTests.blurd(["report", base.path + "/a.jsonl", "--csv", base.path + "/r.csv",
                                                   "--start-timecode", "01:00:00:00"])
        XCTAssertEqual(report.status, 0, report.stderr)
        // The same shot; the log keeps 4 decimals of each score, so the mean may differ in the last.
        let fromLog = try String(contentsOfFile: base.path + "/r.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(fromLog.count, 2)
        let logFields = fromLog.last?.split(separator: ",").map(String.init) ?? []
        XCTAssertEqual(logFields.prefix(9), fields.prefix(9))
        XCTAssertEqual(logFields.last, "source")
        let bad = try TriageCommandTests.blurd(["report", base.path + "/a.jsonl", "--csv", base.path + "/r.csv",
                                                "--start-timecode", "01:00:00:25"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
    }
}
