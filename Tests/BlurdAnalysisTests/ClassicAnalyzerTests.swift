import BlurdCore
import BlurdAnalysis
import BlurdTestSupport
import XCTest

final class ClassicAnalyzerTests: XCTestCase {
    private let width = 320, height = 180

    func testSharpTextureScoresHighAndBlurredTextureLow() throws {
        let sharp = SyntheticFrames.blocks(width: width, height: height, seed: 1)
        let blurred = GaussianBlur.apply(sharp, sigma: 2.5)
        let analyzer = ClassicAnalyzer()
        let sharpResult = try analyzer.analyze(sharp)
        let blurredResult = try analyzer.analyze(blurred)
        XCTAssertEqual(sharpResult.state, .ok)
        XCTAssertEqual(blurredResult.state, .ok)
        XCTAssertGreaterThan(try XCTUnwrap(sharpResult.score), 0.8)
        XCTAssertLessThan(try XCTUnwrap(blurredResult.score), 0.2)
        XCTAssertLessThan(try XCTUnwrap(sharpResult.blurredFraction), 0.05)
        XCTAssertGreaterThan(try XCTUnwrap(blurredResult.blurredFraction), 0.95)
    }

    func testBlurMapMarksTheBlurredHalf() throws {
        let sharp = SyntheticFrames.blocks(width: width, height: height, seed: 3)
        let halfBlurred = GaussianBlur.apply(sharp, sigma: 2.5, fromX: width / 2)
        let analysis = try ClassicAnalyzer().analyze(SyntheticFrames.addNoise(halfBlurred, sigma: 2, seed: 5))
        let map = analysis.map
        XCTAssertEqual(map.width, 40)
        var leftBlurred = 0, rightBlurred = 0, leftCells = 0, rightCells = 0
        for y in 0..<map.height {
            // Skip the two columns at the seam, where cells straddle both halves.
            for x in 0..<map.width where abs(2 * x + 1 - map.width) > 2 {
                let blurred = map[x, y] >= BlurMap.blurredThreshold
                if 2 * x < map.width {
                    leftCells += 1
                    if blurred { leftBlurred += 1 }
                } else {
                    rightCells += 1
                    if blurred { rightBlurred += 1 }
                }
            }
        }
        XCTAssertLessThan(Double(leftBlurred) / Double(leftCells), 0.05)
        XCTAssertGreaterThan(Double(rightBlurred) / Double(rightCells), 0.95)
        XCTAssertEqual(try XCTUnwrap(analysis.blurredFraction), 0.5, accuracy: 0.07)
    }

    func testScoreFallsWithBlurStrength() throws {
        let sharp = SyntheticFrames.blocks(width: width, height: height, seed: 8)
        let analyzer = ClassicAnalyzer()
        let scores = try [0.0, 0.7, 1.0, 1.5, 3.0].map { sigma -> Double in
            let frame = sigma == 0 ? sharp : GaussianBlur.apply(sharp, sigma: sigma)
            return try XCTUnwrap(analyzer.analyze(frame).score)
        }
        XCTAssertEqual(scores, scores.sorted(by: >), "scores \(scores) should fall with blur")
        XCTAssertGreaterThan(scores[0] - scores[4], 0.8)
    }

    func testGridFollowsTheFrameSize() throws {
        let analyzer = ClassicAnalyzer()
        let small = try analyzer.analyze(SyntheticFrames.blocks(width: 160, height: 90))
        let large = try analyzer.analyze(SyntheticFrames.blocks(width: 640, height: 360))
        XCTAssertEqual([small.map.width, small.map.height], [20, 11])
        XCTAssertEqual([large.map.width, large.map.height], [40, 23])
    }
}
