import BlurdTestSupport
import BlurdTriage
import Foundation
import XCTest

final class ClipDiscoveryTests: XCTestCase {
    /// Nested folders, a hidden folder, the output folder inside a root, a text file, random
    /// bytes named .mp4, a symbolic link loop, and two roots of the same name.
    func testFindsClipsByContentAndKeepsRootsApart() throws {
        let base = try TemporaryDirectory.make("triage-discovery", for: self)
        let first = base.appendingPathComponent("cardA/footage").path
        let second = base.appendingPathComponent("cardB/footage").path
        try TriageMedia.clip(at: first + "/A001.mp4", frames: 3)
        try TriageMedia.clip(at: first + "/day2/deep/B002.mkv", frames: 3)
        try TriageMedia.clip(at: first + "/.cache/hidden.mp4", frames: 3)
        try TriageMedia.clip(at: first + "/out/clips/result.mp4", frames: 3)
        try TriageMedia.clip(at: second + "/A001.mp4", frames: 3)
        // A clip whose name says nothing is still found by its content.
        try FileManager.default.copyItem(atPath: first + "/A001.mp4", toPath: first + "/renamed.dat")
        try TriageMedia.text(at: first + "/notes.txt")
        try TriageMedia.randomBytes(at: first + "/noise.mp4")
        try FileManager.default.createSymbolicLink(atPath: first + "/day2/back", withDestinationPath: first)

        let inventory = try ClipDiscovery.discover([first, second], excluding: first + "/out")

        XCTAssertEqual(inventory.clips.map(\.name),
                       ["footage/A001.mp4", "footage/day2/deep/B002.mkv", "footage/renamed.dat", "footage-2/A001.mp4"])
        let skipped = Dictionary(uniqueKeysWithValues: inventory.skipped.map { ($0.file.name, $0.reason) })
        XCTAssertEqual(skipped["footage/notes.txt"], .notMedia)
        XCTAssertEqual(skipped["footage/noise.mp4"], .notMedia)
        XCTAssertEqual(skipped["footage/day2/back"], .unreadable("a symbolic link loop"))
        XCTAssertEqual(skipped.count, 3)
        let layout = TriageLayout(directory: "/out")
        XCTAssertNotEqual(layout.resultPath(for: inventory.clips[0]), layout.resultPath(for: inventory.clips[3]))
    }

    /// A glob the shell did not expand, and a PATH that names nothing.
    func testGlobsAndMissingPaths() throws {
        let base = try TemporaryDirectory.make("triage-glob", for: self)
        try TriageMedia.clip(at: base.path + "/x1.mp4", frames: 3)
        try TriageMedia.clip(at: base.path + "/x2.mp4", frames: 3)
        try TriageMedia.text(at: base.path + "/x3.txt")
        let inventory = try ClipDiscovery.discover([base.path + "/x*.mp4"])
        XCTAssertEqual(inventory.clips.map(\.relativePath), ["x1.mp4", "x2.mp4"])
        XCTAssertThrowsError(try ClipDiscovery.discover([base.path + "/nothing*.mov"])) { error in
            XCTAssertEqual((error as? TriageError)?.exitCode, 3)
        }
    }
}
