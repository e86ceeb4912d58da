import BlurdCore
import BlurdMedia
import BlurdTestSupport

/// Test clips for the command-line tests.
enum CLIClips {
    /// A moving checkerboard (eight distinct frames cycled, so long clips stay cheap to make);
    /// from frame `blurFrom` on, frames are box-blurred over 5×5 px.
    static func make(at path: String, frames: Int, width: Int = 320, height: Int = 180,
                     blurFrom: Int? = nil) throws -> String {
        var options = VideoWriterOptions(path: path, width: width, height: height, frameRate: 25)
        options.preset = "ultrafast"
        let patterns = (0..<8).map { shift -> GrayImage in
            var image = GrayImage(width: width, height: height)
            for y in 0..<height {
                for x in 0..<width {
                    image[x, y] = (((x + 3 * shift) / 6) + (y / 6)) % 2 == 0 ? 210 : 30
                }
            }
            return image
        }
        let blurred = blurFrom == nil ? patterns : patterns.map { BoxBlur.apply($0, radius: 2) }
        return try ClipEncoder.encode(options, frames: frames) { index in
            let sharp = blurFrom.map { index < $0 } ?? true
            return (sharp ? patterns : blurred)[index % patterns.count]
        }
    }
}
