import BlurdCore
import BlurdMedia
import BlurdTestSupport

/// Synthetic test media for the output tests: textured frames encoded with BlurdMedia's writer.
enum TestClips {
    /// Random 4×4 grey blocks shifted by `shift` pixels: sharp texture everywhere.
    static func blocks(width: Int, height: Int, shift: Int, seed: UInt64) -> GrayImage {
        var image = GrayImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                var hash = (UInt64((x + shift) / 4) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(y / 4) &* 0xC2B2_AE3D_27D4_EB4F) ^ seed
                hash ^= hash >> 29
                hash = hash &* 0xBF58_476D_1CE4_E5B9
                hash ^= hash >> 32
                image[x, y] = UInt8(40 + hash % 176)
            }
        }
        return image
    }

    /// Encodes `frames` grey frames from `frame(i)` as H.264 at 25 fps.
    static func encode(to path: String, width: Int, height: Int, frames: Int, frame: (Int) -> GrayImage) throws {
        var options = VideoWriterOptions(path: path, width: width, height: height, frameRate: 25)
        options.crf = 16
        options.preset = "veryfast"
        try ClipEncoder.encode(options, frames: frames, frame: frame)
    }
}
