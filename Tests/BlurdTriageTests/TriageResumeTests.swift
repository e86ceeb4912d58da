import BlurdMedia
import BlurdOutput
import BlurdPipeline
import BlurdTestSupport
import BlurdTriage
import Foundation
import XCTest

/// Reruns reuse what still matches; a stop keeps only whole results.
final class TriageResumeTests: XCTestCase {
    private func options(_ lib: String, out: String, fps: Double = 10) -> TriageOptions {
        var recipe = AnalysisRecipe(input: VideoSourceOptions(url: ""))
        recipe.input.fps = fps
        var options = TriageOptions(paths: [lib], outputDirectory: out, recipe: recipe, criteria: SoftShotCriteria())
        options.cores = 2
        return options
    }

    private func makeLibrary() throws -> (lib: String, out: String) {
        let base = try TemporaryDirectory.make("triage-resume", for: self)
        let lib = base.appendingPathComponent("lib").path
        for name in ["a.mp4", "b.mp4", "c.mkv"] { try TriageMedia.clip(at: lib + "/" + name, frames: 20) }
        return (lib, base.appendingPathComponent("out").path)
    }

    func testRerunReusesMatchingResults() throws {
        let (lib, out) = try makeLibrary()
        let first = try TriageRun(options: options(lib, out: out)).run()
        XCTAssertEqual(first.totals.ok, 3)
        XCTAssertEqual(first.totals.resumed, 0)

        XCTAssertEqual(try TriageRun(options: options(lib, out: out)).run().totals.resumed, 3)

        let touched = Date(timeIntervalSinceNow: 60)
        try FileManager.default.setAttributes([.modificationDate: touched], ofItemAtPath: lib + "/b.mp4")
        let afterTouch = try TriageRun(options: options(lib, out: out)).run()
        XCTAssertEqual(afterTouch.reports.filter { !$0.resumed }.map(\.clip.name), ["lib/b.mp4"])

        let otherFPS = try TriageRun(options: options(lib, out: out, fps: 5)).run()
        XCTAssertEqual(otherFPS.totals.resumed, 0)
        XCTAssertEqual(otherFPS.totals.ok, 3)

        var forced = options(lib, out: out, fps: 5)
        forced.force = true
        XCTAssertEqual(try TriageRun(options: forced).run().totals.resumed, 0)
    }

    /// A stop requested when the first clip completes (one clip at a time): that clip is kept,
    /// no other starts, nothing half-written stays, and a rerun does the rest.
    func testStopKeepsFinishedClipsAndRerunCompletes() throws {
        let (lib, out) = try makeLibrary()
        var single = options(lib, out: out)
        single.cores = 1
        let stop = TriageStop()
        let stopped = try TriageRun(options: single).run(stop: stop) { _ in stop.stop() }
        XCTAssertTrue(stopped.interrupted)
        XCTAssertEqual(stopped.totals.ok, 1)
        XCTAssertEqual(stopped.totals.pending, 2)
        XCTAssertEqual(stopped.exitCode, 0)
        let files = TriageFolder.files(under: out + "/clips")
        XCTAssertFalse(files.contains { $0.hasSuffix(".tmp") }, "\(files)")
        let results = files.filter { $0.hasSuffix(".jsonl") }
        XCTAssertEqual(results.count, 1)
        for result in results {
            XCTAssertTrue(files.contains(result.dropLast(".jsonl".count) + ".clip.json"))
            let text = try String(contentsOfFile: out + "/clips/" + result, encoding: .utf8)
            XCTAssertTrue(text.split(separator: "\n").last?.contains("\"interrupted\":false") ?? false)
        }

        let rest = try TriageRun(options: single).run()
        XCTAssertEqual(rest.totals.ok, 3)
        XCTAssertEqual(rest.totals.resumed, 1)
        XCTAssertFalse(rest.interrupted)
    }
}
