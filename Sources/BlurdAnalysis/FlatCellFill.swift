import Foundation

/// The blur verdict of cells that hold no evidence, taken from the textured cells around them.
///
/// A flat cell (sky, a wall, a dark corner: `TextureGate` finds no structure above the noise)
/// looks the same sharp or blurred, so neither the classic ratio nor the net can judge it on
/// its own pixels. It gets the Gaussian-weighted mean of the nearby textured cells' values
/// (a normalised convolution, σ = `sigmaCells` cells, cut at 3σ): sky between sharp buildings
/// reads sharp, a wall in a defocused background reads blurred. A flat cell with no textured
/// cell within reach gets the mean over all textured cells.
public enum FlatCellFill {
    /// Reach of the Gaussian, in grid cells (2 cells = 32 px at the 640 px analysis size).
    public static let sigmaCells = 2.0

    /// `values` and `textured` are row-major over a `width × height` grid; values of flat cells
    /// are ignored. Returns `values` with every flat cell filled; nil when no cell is textured.
    public static func fill(_ values: [Double], textured: [Bool], width: Int, height: Int) -> [Double]? {
        precondition(values.count == width * height && textured.count == values.count, "grid sizes differ")
        var sum = 0.0, count = 0
        for i in values.indices where textured[i] {
            sum += values[i]
            count += 1
        }
        guard count > 0 else { return nil }
        let globalMean = sum / Double(count)
        let reach = Int((3 * sigmaCells).rounded(.up))
        let taps = (0...reach).map { d in exp(-Double(d * d) / (2 * sigmaCells * sigmaCells)) }
        var filled = values
        for y in 0..<height {
            for x in 0..<width where !textured[y * width + x] {
                var weighted = 0.0, weights = 0.0
                for ny in max(0, y - reach)...min(height - 1, y + reach) {
                    let wy = taps[abs(ny - y)]
                    for nx in max(0, x - reach)...min(width - 1, x + reach) where textured[ny * width + nx] {
                        let w = wy * taps[abs(nx - x)]
                        weighted += w * values[ny * width + nx]
                        weights += w
                    }
                }
                filled[y * width + x] = weights > 0 ? weighted / weights : globalMean
            }
        }
        return filled
    }
}
