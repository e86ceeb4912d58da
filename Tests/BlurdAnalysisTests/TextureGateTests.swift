import BlurdCore
import BlurdAnalysis
import BlurdTestSupport
import XCTest

final class TextureGateTests: XCTestCase {
    private let width = 320, height = 180

    private func measure(_ image: GrayImage) -> TextureMeasurement {
        TextureGate().measure(image, grid: TileGrid(imageWidth: image.width, imageHeight: image.height))
    }

    func testBlackFrameHasNoTexture() {
        let result = measure(SyntheticFrames.uniform(width: width, height: height, value: 0))
        XCTAssertEqual(result.state, .noTexture)
        XCTAssertEqual(result.texturedFraction, 0)
    }

    func testUniformGreyFrameHasNoTexture() {
        XCTAssertEqual(measure(SyntheticFrames.uniform(width: width, height: height, value: 128)).state, .noTexture)
    }

    func testDarkNoisyFrameHasNoTextureAndItsNoiseIsMeasured() {
        // A covered lens: dark, sensor noise σ ≈ 2/255.
        let frame = SyntheticFrames.addNoise(SyntheticFrames.uniform(width: width, height: height, value: 12),
                                             sigma: 2, seed: 7)
        let result = measure(frame)
        XCTAssertEqual(result.state, .noTexture)
        XCTAssertLessThan(result.texturedFraction, 0.01)
        XCTAssertEqual(result.noiseSigma, 2, accuracy: 0.4)
    }

    func testStrongNoiseAloneIsNotTexture() {
        let frame = SyntheticFrames.addNoise(SyntheticFrames.uniform(width: width, height: height, value: 100),
                                             sigma: 12, seed: 3)
        XCTAssertEqual(measure(frame).state, .noTexture)
    }

    func testLightingRampOnAFlatWallHasNoTexture() {
        var wall = GrayImage(width: width, height: height)
        for y in 0..<height { for x in 0..<width { wall[x, y] = UInt8(90 + 40 * x / width) } }
        XCTAssertEqual(measure(wall).state, .noTexture)
    }

    func testDarkTexturedFrameIsOk() {
        // Dark (levels 4–34) but real structure, with the same noise as the covered lens.
        let dark = SyntheticFrames.blocks(width: width, height: height, block: 6, low: 4, high: 34, seed: 5)
        let result = measure(SyntheticFrames.addNoise(dark, sigma: 2, seed: 9))
        XCTAssertEqual(result.state, .ok)
        XCTAssertGreaterThan(result.texturedFraction, 0.5)
    }

    /// The same 8-level structure is detail on a dim surface but not on a bright one, where it
    /// is under 4 % of the level (white fur, a sunlit wall): exposure scales structure.
    func testFaintStructureCountsRelativeToTheSurfaceBrightness() {
        let bright = SyntheticFrames.blocks(width: width, height: height, block: 8, low: 214, high: 222, seed: 6)
        let brightResult = measure(bright)
        XCTAssertEqual(brightResult.state, .noTexture)
        XCTAssertLessThan(brightResult.texturedFraction, 0.01)
        let dim = SyntheticFrames.blocks(width: width, height: height, block: 8, low: 40, high: 48, seed: 6)
        let dimResult = measure(dim)
        XCTAssertEqual(dimResult.state, .ok)
        XCTAssertGreaterThan(dimResult.texturedFraction, 0.3)
        // Six times the contrast is detail at either brightness.
        let strong = SyntheticFrames.blocks(width: width, height: height, block: 8, low: 170, high: 218, seed: 6)
        XCTAssertGreaterThan(measure(strong).texturedFraction, 0.5)
    }

    func testNoisyTexturedFrameIsOk() {
        let scene = SyntheticFrames.blocks(width: width, height: height, block: 8, low: 40, high: 200, seed: 2)
        XCTAssertEqual(measure(SyntheticFrames.addNoise(scene, sigma: 10, seed: 4)).state, .ok)
    }

    func testClassicAnalyzerReportsNoTextureWithoutScore() throws {
        let frame = SyntheticFrames.addNoise(SyntheticFrames.uniform(width: width, height: height, value: 6),
                                             sigma: 2, seed: 11)
        let analysis = try ClassicAnalyzer().analyze(frame)
        XCTAssertEqual(analysis.state, .noTexture)
        XCTAssertNil(analysis.score)
        XCTAssertNil(analysis.blurredFraction)
    }
}
