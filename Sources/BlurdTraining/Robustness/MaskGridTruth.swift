import BlurdCore
import BlurdAnalysis

/// Ground truth at the resolution of an analyzer's `BlurMap`.
public enum MaskGridTruth {
    /// Per map cell (row-major, `gridWidth × gridHeight`): is at least half of the mask area under
    /// the cell blurred (byte ≥ 128)? Cells divide the frame uniformly, as `BlurMap` documents, so
    /// the mask may have any size.
    public static func cells(mask: GrayImage, gridWidth: Int, gridHeight: Int) -> [Bool] {
        precondition(gridWidth > 0 && gridHeight > 0, "empty grid")
        var cells = [Bool](repeating: false, count: gridWidth * gridHeight)
        for row in 0..<gridHeight {
            let y0 = row * mask.height / gridHeight, y1 = max(y0 + 1, (row + 1) * mask.height / gridHeight)
            for column in 0..<gridWidth {
                let x0 = column * mask.width / gridWidth, x1 = max(x0 + 1, (column + 1) * mask.width / gridWidth)
                var blurred = 0, total = 0
                for y in y0..<min(y1, mask.height) {
                    for x in x0..<min(x1, mask.width) {
                        if mask[x, y] >= 128 { blurred += 1 }
                        total += 1
                    }
                }
                cells[row * gridWidth + column] = total > 0 && 2 * blurred >= total
            }
        }
        return cells
    }

    /// Per map cell: does the cell's centre pixel lie in a cell the texture gate found textured?
    /// Flat cells (sky, a bare wall) hold no blur evidence of their own; the region IoU is also
    /// reported over the textured cells only.
    public static func texturedCells(_ texture: TextureMeasurement, grid: TileGrid, gridWidth: Int, gridHeight: Int) -> [Bool] {
        var cells = [Bool](repeating: false, count: gridWidth * gridHeight)
        for row in 0..<gridHeight {
            let y = (row * grid.imageHeight / gridHeight + (row + 1) * grid.imageHeight / gridHeight) / 2
            let cellRow = grid.rowOfPixel[min(y, grid.imageHeight - 1)] * grid.width
            for column in 0..<gridWidth {
                let x = (column * grid.imageWidth / gridWidth + (column + 1) * grid.imageWidth / gridWidth) / 2
                cells[row * gridWidth + column] = texture.texturedCells[cellRow + grid.columnOfPixel[min(x, grid.imageWidth - 1)]]
            }
        }
        return cells
    }
}
