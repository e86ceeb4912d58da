import BlurdCore

/// Applies blur kernels to float images.
///
/// Layers are built on a canvas that is larger than the crop by a margin at least as wide as
/// any kernel's radius, and only the interior is computed: no border rule is ever needed there,
/// and no time is spent on pixels that are cropped away.
public enum ImageFiltering {
    /// `kernel` applied to `canvas`, for the interior `canvas` minus `margin` on every side.
    public static func blurInterior(_ canvas: FloatImage, kernel: BlurKernel, margin: Int) -> FloatImage {
        precondition(margin >= kernel.radius, "margin \(margin) is narrower than the kernel radius \(kernel.radius)")
        let outW = canvas.width - 2 * margin, outH = canvas.height - 2 * margin
        precondition(outW > 0 && outH > 0, "canvas is smaller than twice the margin")
        if let factor = kernel.separableFactor {
            return separableInterior(canvas, factor: factor, margin: margin, outW: outW, outH: outH)
        }
        return directInterior(canvas, kernel: kernel, margin: margin, outW: outW, outH: outH)
    }

    /// Gaussian blur of the whole image, edges clamped; for small sub-threshold softening.
    public static func gaussianBlur(_ image: FloatImage, sigma: Float) -> FloatImage {
        let kernel = BlurKernel.gaussian(sigma: sigma)
        let r = kernel.radius
        let padded = clampPadded(image, by: r)
        return separableInterior(padded, factor: kernel.separableFactor!, margin: r,
                                 outW: image.width, outH: image.height)
    }

    /// The image with `pad` pixels of edge replication on every side.
    static func clampPadded(_ image: FloatImage, by pad: Int) -> FloatImage {
        let w = image.width + 2 * pad, h = image.height + 2 * pad
        var out = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            let sy = min(max(y - pad, 0), image.height - 1)
            for x in 0..<w {
                let sx = min(max(x - pad, 0), image.width - 1)
                out[y * w + x] = image.pixels[sy * image.width + sx]
            }
        }
        return FloatImage(width: w, height: h, pixels: out)
    }

    private static func separableInterior(_ canvas: FloatImage, factor: [Float], margin: Int,
                                          outW: Int, outH: Int) -> FloatImage {
        let r = factor.count / 2
        let rows = outH + 2 * r
        let w = canvas.width
        var tmp = [Float](repeating: 0, count: rows * outW)
        var out = [Float](repeating: 0, count: outW * outH)
        canvas.pixels.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { t in
                for row in 0..<rows {
                    let srcRow = (margin - r + row) * w + margin
                    let dst = row * outW
                    for k in 0..<factor.count {
                        let weight = factor[k]
                        let s = srcRow + k - r
                        for x in 0..<outW { t[dst + x] += weight * src[s + x] }
                    }
                }
            }
        }
        tmp.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                for y in 0..<outH {
                    let dst = y * outW
                    for k in 0..<factor.count {
                        let weight = factor[k]
                        let s = (y + k) * outW
                        for x in 0..<outW { o[dst + x] += weight * t[s + x] }
                    }
                }
            }
        }
        return FloatImage(width: outW, height: outH, pixels: out)
    }

    private static func directInterior(_ canvas: FloatImage, kernel: BlurKernel, margin: Int,
                                       outW: Int, outH: Int) -> FloatImage {
        // Convolution flips the kernel: output(x, y) gathers input(x - dx, y - dy).
        // Runs of equal weight along a kernel row (the inside of a disk, a horizontal smear)
        // cost two reads of a row prefix sum instead of one multiply per cell; the other
        // non-zero cells are single taps and zero cells cost nothing (shake kernels are sparse).
        let w = canvas.width
        let r = kernel.radius
        var taps: [(offset: Int, weight: Float)] = []
        var runs: [(row: Int, first: Int, last: Int, weight: Float)] = []
        for dy in -r...r {
            var dx = -r
            while dx <= r {
                let weight = kernel[dx, dy]
                var end = dx
                while end + 1 <= r && kernel[end + 1, dy] == weight { end += 1 }
                if weight != 0 {
                    if end - dx + 1 >= minimumRun {
                        runs.append((-dy, -end, -dx, weight))
                    } else {
                        for x in dx...end { taps.append((-dy * w - x, weight)) }
                    }
                }
                dx = end + 1
            }
        }
        var prefix: [Float] = []
        if !runs.isEmpty {
            // prefix[y·(w+1) + i] = sum of row y's first i pixels.
            prefix = [Float](repeating: 0, count: canvas.height * (w + 1))
            for y in 0..<canvas.height {
                var sum: Float = 0
                for x in 0..<w {
                    sum += canvas.pixels[y * w + x]
                    prefix[y * (w + 1) + x + 1] = sum
                }
            }
        }
        var out = [Float](repeating: 0, count: outW * outH)
        canvas.pixels.withUnsafeBufferPointer { src in
            prefix.withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { o in
                    for y in 0..<outH {
                        let centre = (y + margin) * w + margin
                        let dst = y * outW
                        for tap in taps {
                            let s = centre + tap.offset
                            let weight = tap.weight
                            for x in 0..<outW { o[dst + x] += weight * src[s + x] }
                        }
                        for run in runs {
                            // Columns x + first ... x + last of the source row.
                            let row = (y + margin + run.row) * (w + 1) + margin
                            let hi = row + run.last + 1, lo = row + run.first
                            let weight = run.weight
                            for x in 0..<outW { o[dst + x] += weight * (p[hi + x] - p[lo + x]) }
                        }
                    }
                }
            }
        }
        return FloatImage(width: outW, height: outH, pixels: out)
    }

    /// Shortest run of equal weights worth a prefix-sum difference.
    private static let minimumRun = 4
}
