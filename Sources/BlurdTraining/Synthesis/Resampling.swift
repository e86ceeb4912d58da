import BlurdCore

/// How a scaler computes an output pixel from the source.
public enum ResamplingFilter: String, Codable, Sendable {
    /// Average over the output pixel's footprint (FFmpeg's `area`); bilinear when enlarging.
    case area
    /// Bilinear interpolation at the output pixel's centre, whatever the factor (cheap
    /// hardware and software scalers; aliases when shrinking a lot).
    case bilinear
}

/// Cuts a square window out of a photograph and rescales it, as a camera's scaler would.
public enum Resampling {
    /// `size × size` output pixels; output pixel (i, j) covers source
    /// `[x0 + i·scale, x0 + (i+1)·scale) × [y0 + j·scale, y0 + (j+1)·scale)`. Source reads past
    /// the photo's edge are clamped.
    public static func window(of photo: GrayImage, x0: Float, y0: Float, scale: Float, size: Int,
                              filter: ResamplingFilter) -> FloatImage {
        precondition(scale > 0 && size > 0, "invalid window")
        let columns = taps(start: x0, scale: scale, count: size, limit: photo.width, filter: filter)
        let rows = taps(start: y0, scale: scale, count: size, limit: photo.height, filter: filter)
        // Horizontal pass only over the source rows some output row needs.
        let firstRow = rows.map(\.first).min()!
        let lastRow = rows.map { $0.first + $0.weights.count - 1 }.max()!
        let rowCount = lastRow - firstRow + 1
        var tmp = [Float](repeating: 0, count: rowCount * size)
        photo.pixels.withUnsafeBufferPointer { src in
            for row in 0..<rowCount {
                let base = (firstRow + row) * photo.width
                for (i, tap) in columns.enumerated() {
                    var sum: Float = 0
                    for (k, w) in tap.weights.enumerated() { sum += w * Float(src[base + tap.first + k]) }
                    tmp[row * size + i] = sum * (1 / 255)
                }
            }
        }
        var out = [Float](repeating: 0, count: size * size)
        for (j, tap) in rows.enumerated() {
            for (k, w) in tap.weights.enumerated() {
                let s = (tap.first + k - firstRow) * size
                for i in 0..<size { out[j * size + i] += w * tmp[s + i] }
            }
        }
        return FloatImage(width: size, height: size, pixels: out)
    }

    /// Per output index: the first source index and the weights from there on (sum 1).
    private static func taps(start: Float, scale: Float, count: Int, limit: Int,
                             filter: ResamplingFilter) -> [(first: Int, weights: [Float])] {
        (0..<count).map { i in
            var raw: [(index: Int, weight: Float)] = []
            if filter == .area && scale > 1 {
                let lo = start + Float(i) * scale, hi = lo + scale
                var k = Int(lo.rounded(.down))
                while Float(k) < hi {
                    let overlap = min(Float(k + 1), hi) - max(Float(k), lo)
                    if overlap > 0 { raw.append((k, overlap)) }
                    k += 1
                }
            } else {
                let centre = start + (Float(i) + 0.5) * scale - 0.5
                let k = Int(centre.rounded(.down))
                let f = centre - Float(k)
                raw = [(k, 1 - f), (k + 1, f)]
            }
            // Clamp to the photo; merging clamped taps keeps the list contiguous.
            let clamped = raw.map { (min(max($0.index, 0), limit - 1), $0.weight) }
            let first = clamped.map(\.0).min()!, last = clamped.map(\.0).max()!
            var weights = [Float](repeating: 0, count: last - first + 1)
            for (index, weight) in clamped { weights[index - first] += weight }
            let total = weights.reduce(0, +)
            return (first, weights.map { $0 / total })
        }
    }
}
