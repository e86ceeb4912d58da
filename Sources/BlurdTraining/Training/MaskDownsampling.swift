import BlurdCore

/// Area-average resampling of a mask to a coarser grid (the net's output grid).
///
/// Each output cell is the mean of the input area it covers, with partial pixels weighted by
/// their overlap, so a cell on an object boundary gets the blurred fraction as a soft target.
public enum MaskDownsampling {
    public static func areaAverage(_ mask: FloatImage, width: Int, height: Int) -> FloatImage {
        precondition(width > 0 && height > 0 && width <= mask.width && height <= mask.height,
                     "area averaging only shrinks")
        let xWeights = overlaps(source: mask.width, target: width)
        let yWeights = overlaps(source: mask.height, target: height)
        var output = FloatImage(width: width, height: height)
        let cellArea = Float(mask.width) / Float(width) * Float(mask.height) / Float(height)
        for oy in 0..<height {
            for ox in 0..<width {
                var sum: Float = 0
                for (sy, wy) in yWeights[oy] {
                    let row = sy * mask.width
                    for (sx, wx) in xWeights[ox] { sum += mask.pixels[row + sx] * wx * wy }
                }
                output.pixels[oy * width + ox] = sum / cellArea
            }
        }
        return output
    }

    /// For each target cell, the source pixels it covers and the covered length of each.
    private static func overlaps(source: Int, target: Int) -> [[(Int, Float)]] {
        let scale = Double(source) / Double(target)
        return (0..<target).map { cell in
            let start = Double(cell) * scale, end = Double(cell + 1) * scale
            var pieces: [(Int, Float)] = []
            var pixel = Int(start.rounded(.down))
            while Double(pixel) < end, pixel < source {
                let covered = min(end, Double(pixel + 1)) - max(start, Double(pixel))
                if covered > 1e-9 { pieces.append((pixel, Float(covered))) }
                pixel += 1
            }
            return pieces
        }
    }
}
