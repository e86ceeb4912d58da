import BlurdCore
import BlurdMedia
import BlurdTestSupport
import Foundation

/// Files for the triage tests: short clips made with BlurdMedia's writer, and things that are
/// not clips.
enum TriageMedia {
    /// A 320×180 moving block texture at 25 fps; frames in `blurred` are defocused (Gaussian, σ 4 px).
    @discardableResult
    static func clip(at path: String, frames: Int = 20, blurred: Range<Int> = 0..<0, container: String? = nil) throws -> String {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let width = 320, height = 180
        var options = VideoWriterOptions(path: path, width: width, height: height, frameRate: 25)
        options.preset = "ultrafast"
        if let container { options.format = container }
        // Random 4×4 grey blocks, shifted per frame: texture the net reads as sharp.
        let patterns = (0..<4).map { shift -> GrayImage in
            var image = GrayImage(width: width, height: height)
            for y in 0..<height {
                for x in 0..<width {
                    var hash = (UInt64((x + 2 * shift) / 4) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(y / 4) &* 0xC2B2_AE3D_27D4_EB4F)
                    hash ^= hash >> 29
                    hash = hash &* 0xBF58_476D_1CE4_E5B9
                    hash ^= hash >> 32
                    image[x, y] = UInt8(40 + hash % 176)
                }
            }
            return image
        }
        let soft = patterns.map { GaussianBlur.apply($0, sigma: 4) }
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
