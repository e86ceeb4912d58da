import BlurdCore

/// Bilinear resampling of a probability map with half-pixel centres (the convention of the
/// net's own `up` layer), used to bring a coarse map to the ground-truth mask's size.
public enum ProbabilityMapResampling {
    public static func bilinear(_ map: FloatImage, width: Int, height: Int) -> FloatImage {
        precondition(map.width > 0 && map.height > 0, "empty probability map")
        if map.width == width && map.height == height { return map }
        var output = FloatImage(width: width, height: height)
        let scaleX = Float(map.width) / Float(width), scaleY = Float(map.height) / Float(height)
        for y in 0..<height {
            let sy = min(Float(map.height - 1), max(0, (Float(y) + 0.5) * scaleY - 0.5))
            let y0 = Int(sy), y1 = min(y0 + 1, map.height - 1)
            let fy = sy - Float(y0)
            for x in 0..<width {
                let sx = min(Float(map.width - 1), max(0, (Float(x) + 0.5) * scaleX - 0.5))
                let x0 = Int(sx), x1 = min(x0 + 1, map.width - 1)
                let fx = sx - Float(x0)
                let top = map.pixels[y0 * map.width + x0] * (1 - fx) + map.pixels[y0 * map.width + x1] * fx
                let bottom = map.pixels[y1 * map.width + x0] * (1 - fx) + map.pixels[y1 * map.width + x1] * fx
                output.pixels[y * width + x] = top * (1 - fy) + bottom * fy
            }
        }
        return output
    }
}
