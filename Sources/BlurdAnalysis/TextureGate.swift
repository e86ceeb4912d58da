import BlurdCore

/// The texture measured in one frame by `TextureGate`.
public struct TextureMeasurement: Sendable, Equatable {
    /// Estimated noise standard deviation, in 8-bit levels.
    public var noiseSigma: Double
    /// Per grid cell (row-major): does the cell hold structure above the noise floor?
    public var texturedCells: [Bool]
    /// Share of cells that are textured.
    public var texturedFraction: Double
    /// `.noTexture` when fewer than `TextureGate.minimumTexturedFraction` of the cells are textured.
    public var state: FrameState
}

/// Decides whether a frame has enough detail to be judged, from texture measured against the
/// frame's own noise level (never from brightness): a covered lens, a flat wall, a black or
/// uniform feed is `no_texture`; a dark or noisy scene with real structure is `ok`.
///
/// The rule (constants below, documented in docs/JSONL.md):
/// 1. Noise: Immerkær's estimator per cell, σ = √(π/2) / 6 · mean |I ∗ N| with
///    N = [1 −2 1; −2 4 −2; 1 −2 1]; the frame's σ is the `noiseQuantile` quantile over cells,
///    i.e. it is measured where the frame is flattest, so edges do not inflate it.
/// 2. Structure: the frame is averaged over 4×4 blocks (white noise drops to σ/4 while real
///    structure survives) and each cell's mean squared block-to-block gradient g² is computed.
///    Noise alone gives E[g²] = σ²/4.
/// 3. A cell is textured when g² > max((1 + k²) σ²/4, floor², (r · m)²), m the cell's mean
///    level: its structure stands k noise standard deviations out, is above `structureFloor`
///    levels per block step whatever the noise (a noiseless lighting ramp on a wall is not
///    detail), and above `relativeStructureFloor` of the cell's brightness (faint ripples on
///    a bright surface are not either).
/// 4. The frame is `ok` when at least `minimumTexturedFraction` of the cells are textured.
///
/// One instance per worker: it keeps its scratch buffers between frames.
public final class TextureGate {
    /// Quantile of the per-cell noise estimates taken as the frame's noise level.
    public static let noiseQuantile = 0.10
    /// How many noise standard deviations a cell's coarse structure must exceed.
    public static let structureK = 3.0
    /// Minimum RMS coarse gradient (8-bit levels per 4-pixel block step) of a textured cell.
    /// Encoders flatten fine sensor noise, so on compressed video σ reads ≈ 0 and this floor is
    /// the whole threshold: a covered lens encoded at CRF 28 leaves noise blotches of up to 2.7
    /// levels per step (99th percentile over cells), dark and misty in-focus scenes of the
    /// robustness set keep ≥ 15 % of their cells above 3.
    public static let structureFloor = 3.0
    /// Minimum RMS coarse gradient of a textured cell relative to the cell's mean level. An
    /// exposure change scales a scene's gradients with its brightness (in gamma-coded video as
    /// in linear light), so a bright cell needs proportionally more structure: white fur, a
    /// sunlit wall or a hazy lake with a few levels of ripple hold no blur evidence, while a
    /// dark scene keeps the absolute floor.
    public static let relativeStructureFloor = 0.04
    /// Minimum share of textured cells for a frame to be `ok`.
    public static let minimumTexturedFraction = 0.05

    private static let blockSize = 4

    private var noiseSums: [Int] = []
    private var noiseCounts: [Int] = []
    private var cellSigmas: [Double] = []
    private var gradientSums: [Float] = []
    private var gradientCounts: [Int] = []
    private var brightnessSums: [Float] = []
    private var blockRows: [Float] = []

    public init() {}

    public func measure(_ luma: GrayImage, grid: TileGrid) -> TextureMeasurement {
        precondition(luma.width == grid.imageWidth && luma.height == grid.imageHeight,
                     "grid does not match the image")
        let sigma = estimateNoise(luma, grid: grid)
        measureStructure(luma, grid: grid)
        let threshold = max((1 + TextureGate.structureK * TextureGate.structureK) * sigma * sigma / 4,
                            TextureGate.structureFloor * TextureGate.structureFloor)
        var textured = [Bool](repeating: false, count: grid.cellCount)
        var texturedCount = 0
        for cell in 0..<grid.cellCount where gradientCounts[cell] > 0 {
            let count = Double(gradientCounts[cell])
            let relativeFloor = TextureGate.relativeStructureFloor * Double(brightnessSums[cell]) / count
            if Double(gradientSums[cell]) / count > max(threshold, relativeFloor * relativeFloor) {
                textured[cell] = true
                texturedCount += 1
            }
        }
        let fraction = Double(texturedCount) / Double(grid.cellCount)
        return TextureMeasurement(
            noiseSigma: sigma, texturedCells: textured, texturedFraction: fraction,
            state: fraction >= TextureGate.minimumTexturedFraction ? .ok : .noTexture)
    }

    /// Immerkær's estimate per cell, then the `noiseQuantile` quantile over cells that have
    /// interior pixels.
    private func estimateNoise(_ luma: GrayImage, grid: TileGrid) -> Double {
        let width = luma.width, height = luma.height
        reset(&noiseSums, count: grid.cellCount, to: 0)
        reset(&noiseCounts, count: grid.cellCount, to: 0)
        guard width >= 3, height >= 3 else { return 0 }
        luma.pixels.withUnsafeBufferPointer { pixels in
            noiseSums.withUnsafeMutableBufferPointer { sums in
                noiseCounts.withUnsafeMutableBufferPointer { counts in
                    for y in 1..<(height - 1) {
                        let above = pixels.baseAddress! + (y - 1) * width
                        let row = above + width
                        let below = row + width
                        let cellRow = grid.rowOfPixel[y] * grid.width
                        for column in 0..<grid.width {
                            let start = max(1, grid.xBounds[column])
                            let end = min(width - 1, grid.xBounds[column + 1])
                            guard start < end else { continue }
                            var sum = 0
                            for x in start..<end {
                                let a = Int(above[x - 1]) - 2 * Int(above[x]) + Int(above[x + 1])
                                let b = Int(row[x - 1]) - 2 * Int(row[x]) + Int(row[x + 1])
                                let c = Int(below[x - 1]) - 2 * Int(below[x]) + Int(below[x + 1])
                                sum += abs(a - 2 * b + c)
                            }
                            sums[cellRow + column] += sum
                            counts[cellRow + column] += end - start
                        }
                    }
                }
            }
        }
        cellSigmas.removeAll(keepingCapacity: true)
        let scale = (Double.pi / 2).squareRoot() / 6
        for cell in 0..<grid.cellCount where noiseCounts[cell] > 0 {
            cellSigmas.append(scale * Double(noiseSums[cell]) / Double(noiseCounts[cell]))
        }
        guard !cellSigmas.isEmpty else { return 0 }
        cellSigmas.sort()
        let rank = Int((TextureGate.noiseQuantile * Double(cellSigmas.count - 1)).rounded())
        return cellSigmas[rank]
    }

    /// Mean squared gradient of the 4×4 block-mean image, accumulated per cell (a block belongs
    /// to the cell of its top-left pixel).
    private func measureStructure(_ luma: GrayImage, grid: TileGrid) {
        let block = TextureGate.blockSize
        let blocksWide = luma.width / block, blocksHigh = luma.height / block
        reset(&gradientSums, count: grid.cellCount, to: 0)
        reset(&gradientCounts, count: grid.cellCount, to: 0)
        reset(&brightnessSums, count: grid.cellCount, to: 0)
        guard blocksWide >= 2, blocksHigh >= 2 else { return }
        reset(&blockRows, count: 2 * blocksWide, to: 0)
        let width = luma.width
        luma.pixels.withUnsafeBufferPointer { pixels in
            blockRows.withUnsafeMutableBufferPointer { rows in
                // Two rows of block means, swapped as we go down: `previous` and `current`.
                var previous = rows.baseAddress!
                var current = previous + blocksWide
                for blockY in 0..<blocksHigh {
                    for blockX in 0..<blocksWide {
                        var sum = 0
                        var p = pixels.baseAddress! + blockY * block * width + blockX * block
                        for _ in 0..<block {
                            sum += Int(p[0]) + Int(p[1]) + Int(p[2]) + Int(p[3])
                            p += width
                        }
                        current[blockX] = Float(sum) * (1 / Float(block * block))
                    }
                    if blockY > 0 {
                        // Gradients of the previous block row: right neighbour and the one below.
                        let cellRow = grid.rowOfPixel[(blockY - 1) * block] * grid.width
                        for blockX in 0..<(blocksWide - 1) {
                            let dx = previous[blockX + 1] - previous[blockX]
                            let dy = current[blockX] - previous[blockX]
                            let cell = cellRow + grid.columnOfPixel[blockX * block]
                            gradientSums[cell] += dx * dx + dy * dy
                            gradientCounts[cell] += 1
                            brightnessSums[cell] += previous[blockX]
                        }
                    }
                    swap(&previous, &current)
                }
            }
        }
    }

    private func reset<T>(_ buffer: inout [T], count: Int, to value: T) {
        if buffer.count != count {
            buffer = [T](repeating: value, count: count)
        } else {
            for index in buffer.indices { buffer[index] = value }
        }
    }
}
