import BlurdCore
import BlurdMedia
import BlurdTestSupport

/// Test media made on the fly: a moving textured pattern, encoded with BlurdMedia's writer.
enum TestMedia {
    /// Frame `index` of a checkerboard-plus-gradient pattern that moves 3 px per frame.
    static func patternFrame(_ index: Int, width: Int, height: Int) -> GrayImage {
        var image = GrayImage(width: width, height: height)
        let shift = index * 3
        for y in 0..<height {
            for x in 0..<width {
                let checker = (((x + shift) / 16) + (y / 16)) % 2 == 0 ? 200 : 40
                let ramp = (x + y) % 32
                image[x, y] = UInt8(checker + ramp - 16)
            }
        }
        return image
    }

    /// Encodes `frames` pattern frames to `path` and returns the path.
    @discardableResult
    static func makeClip(at path: String, frames: Int = 50, width: Int = 320, height: Int = 240,
                         codec: String = "libx264", format: String? = nil, gopSize: Int = 12) throws -> String {
        var options = VideoWriterOptions(path: path, width: width, height: height, frameRate: 25, codec: codec)
        options.format = format
        options.gopSize = gopSize
        options.preset = codec == "libx264" ? "veryfast" : nil
        return try ClipEncoder.encode(options, frames: frames) { patternFrame($0, width: width, height: height) }
    }
}
