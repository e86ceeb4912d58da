@testable import BlurdAnalysis
import XCTest

final class FlatCellFillTests: XCTestCase {
    func testFlatCellsTakeTheirNeighboursVerdictAndFarOnesTheGlobalMean() throws {
        // 20×3 grid: columns 0–2 textured and blurred (1), columns 17–19 textured and sharp
        // (0.2), the rest flat with junk values that must not leak into the result.
        let width = 20, height = 3
        var values = [Double](repeating: 0.77, count: width * height)
        var textured = [Bool](repeating: false, count: width * height)
        for y in 0..<height {
            for x in 0..<3 { values[y * width + x] = 1; textured[y * width + x] = true }
            for x in 17..<20 { values[y * width + x] = 0.2; textured[y * width + x] = true }
        }
        let filled = try XCTUnwrap(FlatCellFill.fill(values, textured: textured, width: width, height: height))
        for i in values.indices where textured[i] { XCTAssertEqual(filled[i], values[i]) }
        // Next to the blurred block only it is within reach (6 cells): fully blurred.
        XCTAssertEqual(filled[3], 1, accuracy: 1e-12)
        XCTAssertEqual(filled[16], 0.2, accuracy: 1e-12)
        // Column 10 is 8 and 7 cells from the blocks: beyond reach of both, the global mean.
        XCTAssertEqual(filled[10], 0.6, accuracy: 1e-12)
        // Closer to the blurred block reads more blurred than closer to the sharp one.
        XCTAssertEqual(filled[8], 1, accuracy: 1e-12)
        XCTAssertEqual(filled[12], 0.2, accuracy: 1e-12)
    }

    func testNoTexturedCellGivesNil() {
        XCTAssertNil(FlatCellFill.fill([0.5, 0.5], textured: [false, false], width: 2, height: 1))
    }
}
