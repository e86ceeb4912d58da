/// A coarse per-frame blur probability map on a grid of cells covering the analysed frame.
///
/// The grid divides the frame uniformly: cell column `i` covers pixel columns
/// `[i * frameWidth / width, (i + 1) * frameWidth / width)` (integer division), likewise rows.
/// A probability byte of 255 means "surely blurred", 0 "surely sharp"; a cell counts as blurred
/// in binary masks when its byte is at least `blurredThreshold` (probability ≥ 0.5).
public struct BlurMap: Sendable, Equatable {
    /// Grid size in cells.
    public var width: Int
    public var height: Int
    /// Row-major, `width * height` bytes.
    public var probability: [UInt8]

    /// The byte at or above which a cell is blurred (128/255 ≥ 0.5 > 127/255).
    public static let blurredThreshold: UInt8 = 128

    public init(width: Int, height: Int, probability: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative grid size")
        precondition(probability.count == width * height, "probability count does not match grid")
        self.width = width
        self.height = height
        self.probability = probability
    }

    /// A grid with every cell set to `fill`.
    public init(width: Int, height: Int, fill: UInt8 = 0) {
        self.init(width: width, height: height,
                  probability: [UInt8](repeating: fill, count: width * height))
    }

    @inlinable public subscript(x: Int, y: Int) -> UInt8 {
        get { probability[y * width + x] }
        set { probability[y * width + x] = newValue }
    }

    /// Fraction of cells at or above `blurredThreshold`; 0 for an empty grid.
    public var blurredFraction: Double {
        guard !probability.isEmpty else { return 0 }
        var blurred = 0
        for value in probability where value >= BlurMap.blurredThreshold { blurred += 1 }
        return Double(blurred) / Double(probability.count)
    }
}
