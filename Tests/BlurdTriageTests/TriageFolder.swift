import BlurdCore
import BlurdTestSupport
import Foundation
import XCTest

/// The test library of the triage runs: three short clips (one blurred in the middle), a text
/// file, random bytes named .mp4, a truncated MP4 (its index lost: it cannot open) and an MPEG-TS
/// clip with garbage in the middle (it still yields frames).
enum TriageFolder {
    static let clips = ["lib/other.mkv", "lib/sharp.mp4", "lib/sub/soft.mp4"]

    static func make(in base: URL) throws -> String {
        let lib = base.appendingPathComponent("lib").path
        try TriageMedia.clip(at: lib + "/sharp.mp4", frames: 20)
        try TriageMedia.clip(at: lib + "/other.mkv", frames: 20)
        try TriageMedia.clip(at: lib + "/sub/soft.mp4", frames: 75, blurred: 25..<55)
        try TriageMedia.text(at: lib + "/notes.txt")
        try TriageMedia.randomBytes(at: lib + "/noise.mp4")
        try TriageMedia.truncated(lib + "/sub/soft.mp4", to: lib + "/truncated.mp4", fraction: 0.5)
        let stream = try TriageMedia.clip(at: base.path + "/stream.ts", frames: 50, container: "mpegts")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: stream))
        var generator = SeededRandom(seed: 3)
        for index in bytes.count * 2 / 5..<bytes.count * 3 / 5 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        try bytes.write(to: URL(fileURLWithPath: lib + "/damaged.ts"))
        try FileManager.default.removeItem(atPath: stream)
        return lib
    }

    /// Every file below `directory`, relative to it.
    static func files(under directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).sorted()
    }
}
