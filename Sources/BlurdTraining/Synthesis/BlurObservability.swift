import BlurdCore

/// Where a synthetic blur can be seen at all, as the loss weight of each pixel.
///
/// A kernel changes nothing where the sharp content is flat (sky, a wall, a dark corner): the
/// pixel is "blurred" by construction but holds no evidence of it, and teaching the net to call
/// it blurred teaches it to call every flat patch of sharp video blurred. So a blurred pixel
/// counts in the loss only as far as the blur changed its neighbourhood: the mean absolute
/// difference between the composite and the sharp layer, both through the frame's tone curve
/// (darkening, gain, levels: what the camera leaves visible), over a window of
/// `2·radius + 1` pixels, ramps the weight from 0 at `levels.lowerBound` to 1 at
/// `levels.upperBound` grey levels. Sharp pixels always count fully.
public enum BlurObservability {
    public static func weight(composite: FloatImage, sharp: FloatImage, mask: FloatImage,
                              tone: ToneCurve, radius: Int, levels: ClosedRange<Float>) -> FloatImage {
        precondition(composite.width == sharp.width && composite.height == sharp.height
                     && mask.width == sharp.width && mask.height == sharp.height, "layer sizes differ")
        let w = composite.width, h = composite.height
        // Summed-area table of the per-pixel change, in grey levels.
        var table = [Double](repeating: 0, count: (w + 1) * (h + 1))
        for y in 0..<h {
            var rowSum = 0.0
            for x in 0..<w {
                let i = y * w + x
                rowSum += Double(abs(tone.apply(composite.pixels[i]) - tone.apply(sharp.pixels[i])) * 255)
                table[(y + 1) * (w + 1) + x + 1] = table[y * (w + 1) + x + 1] + rowSum
            }
        }
        let span = max(levels.upperBound - levels.lowerBound, 1e-6)
        var weight = FloatImage(width: w, height: h, fill: 1)
        for y in 0..<h {
            let y0 = max(0, y - radius), y1 = min(h, y + radius + 1)
            for x in 0..<w where mask.pixels[y * w + x] >= 0.5 {
                let x0 = max(0, x - radius), x1 = min(w, x + radius + 1)
                let sum = table[y1 * (w + 1) + x1] - table[y0 * (w + 1) + x1]
                    - table[y1 * (w + 1) + x0] + table[y0 * (w + 1) + x0]
                let mean = Float(sum / Double((x1 - x0) * (y1 - y0)))
                weight.pixels[y * w + x] = min(max((mean - levels.lowerBound) / span, 0), 1)
            }
        }
        return weight
    }
}
