import BlurdCore
import BlurdMedia
import BlurdTestSupport
import Foundation

/// Files for the triage tests: short clips made with BlurdMedia's writer, and things that are
/// not clips.
enum TriageMedia {
    /// A 320×180 moving checkerboard at 25 fps; frames in `blurred` are box-blurred over 5×5 px.
    @discardableResult
    static func clip(at path: String, frames: Int = 20, blurred: Range<Int> = 0..<0, container: String? = nil) throws -> String {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let width = 320, height = 180
        var options = VideoWriterOptions(path: path, width: width, height: height, frameRate: 25)
        options.preset = "ultrafast"
        if let container { options.format = container }
        let patterns = (0..<4).map { shift -> GrayImage in
            var image = GrayImage(width: width, height: height)
            for y in 0..<height {
                for x in 0..<width {
                    image[x, y] = (((x + 3 * shift) / 6) + (y / 6)) % 2 == 0 ? 210 : 30
                }
            }
            return image
        }
        let soft = patterns.map { BoxBlur.apply($0, radius: 2) }
        return try ClipEncoder.encode(options, frames: frames) { index in
            (blurred.contains(index) ? soft : patterns)[index % patterns.count]
        }
    }

    static func text(at path: String) throws {
        try Data("Shot list\nA001 wide\nA002 close-up\n".utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Seeded random bytes, so a run is repeatable.
    static func randomBytes(at path: String, count: Int = 200_000) throws {
        var generator = SeededRandom(seed: 7)
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// The first `fraction` of `source` copied to `path`.
    static func truncated(_ source: String, to path: String, fraction: Double) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        try data.prefix(Int(Double(data.count) * fraction)).write(to: URL(fileURLWithPath: path))
    }
}
