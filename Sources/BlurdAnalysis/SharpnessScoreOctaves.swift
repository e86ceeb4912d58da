import BlurdCore

/// The classic fine-to-coarse gradient energy ratio ρ of a frame's textured cells, measured on
/// box-downsampled copies of the frame (octaves), pooled over the cells.
///
/// At octave k the frame is averaged over 2ᵏ×2ᵏ blocks, so a blur of σ analysis pixels is a blur
/// of σ / 2ᵏ octave pixels: where ρ at the analysis size has long reached its floor of ¼ (σ ≳ 1.5 px),
/// ρ at octaves 1–3 still falls, up to σ ≈ 3, 6 and 12 px. Downsampling also removes what
/// compression and sub-threshold softness do to the finest scale, so on in-focus video ρ at these
/// octaves stays well above ¼ whatever the encoder did. ρ does not depend on contrast (dark frames
/// read like bright ones), and white noise, which falls to σ / 2ᵏ at octave k, is taken out as the
/// classic analyzer does: ρ = 4 (ΣE1 − 4σₖ²n) / (ΣE4 − 4σₖ²n).
///
/// Energies are pooled over the textured cells before the ratio is taken, so cells with strong
/// structure (edges, detail) decide and faint lighting ramps, which look blurred at every scale,
/// weigh little. One instance per analyzer: it keeps its octave buffers between frames.
public final class SharpnessScoreOctaves {
    /// The octaves measured: 1 = half size, 2 = quarter, 3 = eighth.
    public static let octaves = [1, 2, 3]

    private var levels: [[Float]] = []

    public init() {}

    /// ρ per octave of `SharpnessScoreOctaves.octaves`; nil for an octave where the textured
    /// cells hold no structure above the noise (or the octave is smaller than 5×5 pixels).
    public func energyRatios(_ luma: GrayImage, grid: TileGrid, texture: TextureMeasurement) -> [Double?] {
        precondition(luma.width == grid.imageWidth && luma.height == grid.imageHeight,
                     "grid does not match the image")
        let deepest = SharpnessScoreOctaves.octaves.max()!
        if levels.count != deepest + 1 { levels = [[Float]](repeating: [], count: deepest + 1) }
        levels[0] = luma.pixels.map(Float.init)
        var width = luma.width, height = luma.height
        var ratios: [Double?] = []
        for octave in 1...deepest {
            downsample(from: octave - 1, width: width, height: height)
            width /= 2
            height /= 2
            guard SharpnessScoreOctaves.octaves.contains(octave) else { continue }
            let noise = texture.noiseSigma / Double(1 << octave)
            ratios.append(ratio(level: octave, width: width, height: height, grid: grid,
                                textured: texture.texturedCells, noiseSigma: noise))
        }
        return ratios
    }

    /// Averages 2×2 blocks of `levels[level]` into `levels[level + 1]` (odd last rows and columns
    /// are dropped).
    private func downsample(from level: Int, width: Int, height: Int) {
        let outWidth = width / 2, outHeight = height / 2
        if levels[level + 1].count != outWidth * outHeight {
            levels[level + 1] = [Float](repeating: 0, count: outWidth * outHeight)
        }
        guard outWidth > 0, outHeight > 0 else { return }
        levels[level].withUnsafeBufferPointer { source in
            levels[level + 1].withUnsafeMutableBufferPointer { target in
                for y in 0..<outHeight {
                    let top = source.baseAddress! + 2 * y * width
                    let bottom = top + width
                    for x in 0..<outWidth {
                        target[y * outWidth + x] = 0.25 * (top[2 * x] + top[2 * x + 1] + bottom[2 * x] + bottom[2 * x + 1])
                    }
                }
            }
        }
    }

    /// Pooled ρ over the octave pixels (at least two from the border) whose top-left analysis
    /// pixel lies in a textured cell.
    private func ratio(level: Int, width: Int, height: Int, grid: TileGrid, textured: [Bool],
                       noiseSigma: Double) -> Double? {
        guard width >= 5, height >= 5 else { return nil }
        var fine = 0.0, coarse = 0.0, count = 0
        levels[level].withUnsafeBufferPointer { pixels in
            for y in 2..<(height - 2) {
                let cellRow = grid.rowOfPixel[y << level] * grid.width
                let row = pixels.baseAddress! + y * width
                var rowFine: Float = 0, rowCoarse: Float = 0
                for x in 2..<(width - 2) where textured[cellRow + grid.columnOfPixel[x << level]] {
                    let p = row + x
                    let dx1 = p[1] - p[0], dy1 = p[width] - p[0]
                    let dx4 = p[2] - p[-2], dy4 = p[2 * width] - p[-2 * width]
                    rowFine += dx1 * dx1 + dy1 * dy1
                    rowCoarse += dx4 * dx4 + dy4 * dy4
                    count += 1
                }
                fine += Double(rowFine)
                coarse += Double(rowCoarse)
            }
        }
        let noiseEnergy = 4 * noiseSigma * noiseSigma * Double(count)
        let structure = coarse - noiseEnergy
        // Less structure than one level² per pixel is no evidence either way.
        guard count > 0, structure > Double(count) else { return nil }
        return 4 * max(0, fine - noiseEnergy) / structure
    }
}
