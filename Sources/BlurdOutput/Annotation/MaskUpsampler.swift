import BlurdAnalysis

/// Bilinear upsampling of a blur map from its cell grid to an output size (the source frame,
/// or its chroma planes). Cell centres sit at ((i + ½) / gridWidth) of the frame, since the grid
/// divides the analysed frame uniformly and the analysed frame is the whole source frame scaled;
/// outside the outermost centres the edge cells' values are held.
public struct MaskUpsampler: Sendable {
    public let gridWidth: Int
    public let gridHeight: Int
    public let outputWidth: Int
    public let outputHeight: Int
    /// Per output column: left grid column, right grid column, weight of the right one (0…256).
    private let columns: [(Int, Int, Int)]
    private let rows: [(Int, Int, Int)]

    public init(gridWidth: Int, gridHeight: Int, outputWidth: Int, outputHeight: Int) {
        precondition(gridWidth > 0 && gridHeight > 0 && outputWidth > 0 && outputHeight > 0, "empty mask size")
        self.gridWidth = gridWidth
        self.gridHeight = gridHeight
        self.outputWidth = outputWidth
        self.outputHeight = outputHeight
        columns = Self.taps(cells: gridWidth, pixels: outputWidth)
        rows = Self.taps(cells: gridHeight, pixels: outputHeight)
    }

    /// The probability bytes of `map` at the output size, row-major, into `output` (resized).
    public func upsample(_ map: BlurMap, into output: inout [UInt8]) {
        precondition(map.width == gridWidth && map.height == gridHeight, "map grid does not match the upsampler")
        if output.count != outputWidth * outputHeight {
            output = [UInt8](repeating: 0, count: outputWidth * outputHeight)
        }
        // Each grid row is widened once; output rows then blend two widened rows.
        var widened = [Int](repeating: 0, count: gridHeight * outputWidth)
        for cellRow in 0..<gridHeight {
            let base = cellRow * gridWidth, rowStart = cellRow * outputWidth
            for (x, (left, right, weight)) in columns.enumerated() {
                widened[rowStart + x] = Int(map.probability[base + left]) * (256 - weight)
                    + Int(map.probability[base + right]) * weight
            }
        }
        widened.withUnsafeBufferPointer { widened in
            output.withUnsafeMutableBufferPointer { output in
                for (y, (top, bottom, weight)) in rows.enumerated() {
                    let topRow = top * outputWidth, bottomRow = bottom * outputWidth, outRow = y * outputWidth
                    for x in 0..<outputWidth {
                        let value = widened[topRow + x] * (256 - weight) + widened[bottomRow + x] * weight
                        output[outRow + x] = UInt8((value + 32768) >> 16)
                    }
                }
            }
        }
    }

    /// The grey mask image at the output size.
    public func upsample(_ map: BlurMap) -> [UInt8] {
        var output: [UInt8] = []
        upsample(map, into: &output)
        return output
    }

    private static func taps(cells: Int, pixels: Int) -> [(Int, Int, Int)] {
        (0..<pixels).map { pixel in
            let position = (Double(pixel) + 0.5) * Double(cells) / Double(pixels) - 0.5
            let clamped = min(max(position, 0), Double(cells - 1))
            let left = Int(clamped.rounded(.down))
            let right = min(left + 1, cells - 1)
            return (left, right, Int(((clamped - Double(left)) * 256).rounded()))
        }
    }
}
