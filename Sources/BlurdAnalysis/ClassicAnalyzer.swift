import BlurdCore

/// The classical baseline (`--method classic`): per-cell ratio of fine to coarse gradient
/// energy, with the noise energy taken out.
///
/// For every pixel, E1 = dx₁² + dy₁² (differences of neighbours) and E4 = dx₄² + dy₄²
/// (differences across four pixels, I(x+2) − I(x−2)). Summed over a cell,
/// ρ = 4 (ΣE1 − 4σ²n) / (ΣE4 − 4σ²n), where σ is the texture gate's noise estimate and n the
/// pixel count: white noise adds 2σ² to each squared difference, so this removes it. ρ does not
/// depend on contrast: a step edge gives ρ = 1, any edge wider than four pixels gives ρ → ¼
/// (Gaussian blur σ ≥ 1.5 px gives 0.27–0.36 on blocks, 1/f noise and checkers; σ = 0.5 gives
/// ≥ 0.7). A cell's blur probability is 1 − clamp((ρ − `sharpRhoLow`) / (`sharpRhoHigh` −
/// `sharpRhoLow`)), so probability 0.5 sits at ρ = 0.40, about σ = 1 px at the analysis size.
///
/// Cells the texture gate finds flat carry no evidence; they take the verdict of the textured
/// cells around them (`FlatCellFill`: sky in a sharp frame reads sharp, in a defocused frame
/// blurred). The frame score is 1 − the mean probability of the textured cells, the blurred
/// fraction is the share of cells at probability ≥ 0.5.
public final class ClassicAnalyzer: FrameAnalyzer {
    /// ρ at or below which a cell is surely blurred.
    public static let sharpRhoLow = 0.30
    /// ρ at or above which a cell is surely sharp.
    public static let sharpRhoHigh = 0.50

    private let gate = TextureGate()
    private var grid: TileGrid?
    private var fineSums: [Int] = []
    private var coarseSums: [Int] = []
    private var pixelCounts: [Int] = []

    public init() {}

    public func analyze(_ luma: GrayImage) throws -> FrameAnalysis {
        let grid = self.grid(for: luma)
        let texture = gate.measure(luma, grid: grid)
        guard texture.state == .ok else { return .noTexture(grid: grid) }
        accumulateEnergies(luma, grid: grid)

        let noiseEnergy = 4 * texture.noiseSigma * texture.noiseSigma
        var probabilities = [Double](repeating: -1, count: grid.cellCount)
        var sum = 0.0, textured = 0
        for cell in 0..<grid.cellCount where texture.texturedCells[cell] && pixelCounts[cell] > 0 {
            let count = Double(pixelCounts[cell])
            let coarse = Double(coarseSums[cell]) - noiseEnergy * count
            guard coarse > 0 else { continue }
            let fine = max(0, Double(fineSums[cell]) - noiseEnergy * count)
            let rho = 4 * fine / coarse
            let sharpness = min(1, max(0, (rho - ClassicAnalyzer.sharpRhoLow)
                / (ClassicAnalyzer.sharpRhoHigh - ClassicAnalyzer.sharpRhoLow)))
            probabilities[cell] = 1 - sharpness
            sum += 1 - sharpness
            textured += 1
        }
        guard textured > 0 else { return .noTexture(grid: grid) }
        let meanProbability = sum / Double(textured)

        guard let filled = FlatCellFill.fill(probabilities, textured: probabilities.map { $0 >= 0 },
                                             width: grid.width, height: grid.height) else {
            return .noTexture(grid: grid)
        }
        let map = BlurMap(width: grid.width, height: grid.height,
                          probability: filled.map { UInt8(($0 * 255).rounded()) })
        return FrameAnalysis(state: .ok, score: 1 - meanProbability,
                             blurredFraction: map.blurredFraction, map: map)
    }

    private func grid(for luma: GrayImage) -> TileGrid {
        if let grid, grid.imageWidth == luma.width, grid.imageHeight == luma.height { return grid }
        let grid = TileGrid(imageWidth: luma.width, imageHeight: luma.height)
        self.grid = grid
        fineSums = [Int](repeating: 0, count: grid.cellCount)
        coarseSums = fineSums
        pixelCounts = fineSums
        return grid
    }

    /// Per-cell sums of E1 and E4 over pixels at least two pixels from the border.
    private func accumulateEnergies(_ luma: GrayImage, grid: TileGrid) {
        let width = luma.width, height = luma.height
        for cell in 0..<grid.cellCount {
            fineSums[cell] = 0
            coarseSums[cell] = 0
            pixelCounts[cell] = 0
        }
        guard width >= 5, height >= 5 else { return }
        luma.pixels.withUnsafeBufferPointer { pixels in
            fineSums.withUnsafeMutableBufferPointer { fineSums in
                coarseSums.withUnsafeMutableBufferPointer { coarseSums in
                    pixelCounts.withUnsafeMutableBufferPointer { pixelCounts in
                        for y in 2..<(height - 2) {
                            let row = pixels.baseAddress! + y * width
                            let cellRow = grid.rowOfPixel[y] * grid.width
                            for column in 0..<grid.width {
                                let start = max(2, grid.xBounds[column])
                                let end = min(width - 2, grid.xBounds[column + 1])
                                guard start < end else { continue }
                                var fine = 0, coarse = 0
                                for x in start..<end {
                                    let p = row + x
                                    let center = Int32(p[0])
                                    let dx1 = Int32(p[1]) - center
                                    let dy1 = Int32(p[width]) - center
                                    let dx4 = Int32(p[2]) - Int32(p[-2])
                                    let dy4 = Int32(p[2 * width]) - Int32(p[-2 * width])
                                    fine += Int(dx1 * dx1 + dy1 * dy1)
                                    coarse += Int(dx4 * dx4 + dy4 * dy4)
                                }
                                fineSums[cellRow + column] += fine
                                coarseSums[cellRow + column] += coarse
                                pixelCounts[cellRow + column] += end - start
                            }
                        }
                    }
                }
            }
        }
    }
}
