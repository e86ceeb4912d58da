import BlurdImaging
import BlurdMedia

/// Test clips for the command-line tests.
enum CLIClips {
    /// A moving checkerboard (eight distinct frames cycled, so long clips stay cheap to make);
    /// from frame `blurFrom` on, frames are box-blurred over 5×5 px.
    static func make(at path: String, frames: Int, width: Int = 320, height: Int = 180,
                     blurFrom: Int? = nil) throws -> String {
        var options = VideoWriterOptions(path: path, width: width, height: height, frameRate: 25)
        options.preset = "ultrafast"
        let writer = try VideoWriter(options: options)
        let patterns = (0..<8).map { shift -> GrayImage in
            var image = GrayImage(width: width, height: height)
            for y in 0..<height {
                for x in 0..<width {
                    image[x, y] = (((x + 3 * shift) / 6) + (y / 6)) % 2 == 0 ? 210 : 30
                }
            }
            return image
        }
        let blurred = blurFrom == nil ? patterns : patterns.map { boxBlur($0, radius: 2) }
        for index in 0..<frames {
            let sharp = blurFrom.map { index < $0 } ?? true
            try writer.write(gray: (sharp ? patterns : blurred)[index % patterns.count])
        }
        try writer.finish()
        return path
    }

    private static func boxBlur(_ image: GrayImage, radius: Int) -> GrayImage {
        var output = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                var sum = 0, count = 0
                for dy in -radius...radius {
                    for dx in -radius...radius {
                        let sx = min(image.width - 1, max(0, x + dx)), sy = min(image.height - 1, max(0, y + dy))
                        sum += Int(image[sx, sy])
                        count += 1
                    }
                }
                output[x, y] = UInt8(sum / count)
            }
        }
        return output
    }
}
