/// The grid of cells that the texture gate and the classic analyzer measure, and that
/// `BlurMap` reports: about `cellsAcrossLongSide` cells along the frame's long side, uniform
/// integer cell bounds (adjacent cells differ by at most one pixel).
public struct TileGrid: Sendable, Equatable {
    public let imageWidth: Int
    public let imageHeight: Int
    /// Grid size in cells.
    public let width: Int
    public let height: Int
    /// `width + 1` pixel column bounds: cell `i` covers `[xBounds[i], xBounds[i + 1])`.
    public let xBounds: [Int]
    /// `height + 1` pixel row bounds.
    public let yBounds: [Int]
    /// The cell column of each pixel column (`imageWidth` entries).
    public let columnOfPixel: [Int]
    /// The cell row of each pixel row (`imageHeight` entries).
    public let rowOfPixel: [Int]

    /// Cells along the long side: 16 px cells at the default 640 px analysis size, the same
    /// share of the frame at any other size.
    public static let cellsAcrossLongSide = 40
    /// Cells are never smaller than this, so each holds enough pixels for stable statistics.
    public static let minimumCellSize = 8

    public init(imageWidth: Int, imageHeight: Int) {
        precondition(imageWidth > 0 && imageHeight > 0, "empty image")
        let cell = max(TileGrid.minimumCellSize,
                       (max(imageWidth, imageHeight) + TileGrid.cellsAcrossLongSide - 1)
                           / TileGrid.cellsAcrossLongSide)
        let width = max(1, (imageWidth + cell / 2) / cell)
        let height = max(1, (imageHeight + cell / 2) / cell)
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.width = width
        self.height = height
        self.xBounds = (0...width).map { $0 * imageWidth / width }
        self.yBounds = (0...height).map { $0 * imageHeight / height }
        self.columnOfPixel = TileGrid.cellIndices(bounds: xBounds)
        self.rowOfPixel = TileGrid.cellIndices(bounds: yBounds)
    }

    public var cellCount: Int { width * height }

    private static func cellIndices(bounds: [Int]) -> [Int] {
        var indices: [Int] = []
        indices.reserveCapacity(bounds.last ?? 0)
        for cell in 0..<(bounds.count - 1) {
            for _ in bounds[cell]..<bounds[cell + 1] { indices.append(cell) }
        }
        return indices
    }
}
