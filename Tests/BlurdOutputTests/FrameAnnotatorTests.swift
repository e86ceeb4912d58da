import BlurdMedia
import BlurdOutput
import BlurdAnalysis
import XCTest

final class FrameAnnotatorTests: XCTestCase {
    /// A 16×9 grid whose left half is surely blurred and right half surely sharp.
    private func leftHalfBlurred() -> BlurMap {
        var map = BlurMap(width: 16, height: 9)
        for y in 0..<9 { for x in 0..<8 { map[x, y] = 255 } }
        return map
    }

    private func grey(width: Int, height: Int) -> YUV420Image {
        var image = YUV420Image(width: width, height: height)
        image.y = [UInt8](repeating: 128, count: width * height)
        return image
    }

    func testUpsamplerHitsCellValuesAtCellCentresAndBlendsBetween() {
        let map = BlurMap(width: 2, height: 1, probability: [0, 200])
        let upsampler = MaskUpsampler(gridWidth: 2, gridHeight: 1, outputWidth: 8, outputHeight: 2)
        let mask = upsampler.upsample(map)
        XCTAssertEqual(Array(mask[0..<8]), [0, 0, 25, 75, 125, 175, 200, 200])
        XCTAssertEqual(Array(mask[8..<16]), Array(mask[0..<8]))
    }

    func testOverlayColourOnlyWhereTheMaskIsBlurred() {
        let width = 320, height = 180
        var image = grey(width: width, height: height)
        let original = image
        let analysis = FrameAnalysis(state: .ok, score: 0.5, blurredFraction: 0.5, map: leftHalfBlurred())
        FrameAnnotator(width: width, height: height).annotate(&image, analysis: analysis, timecode: "00:00:01:00")

        // Away from the panel (top left) and the blurred/sharp border (x = 160 ± one cell).
        for y in stride(from: 60, to: height, by: 7) {
            for x in stride(from: 0, to: 130, by: 5) {
                let chroma = (y / 2) * (width / 2) + x / 2
                XCTAssertGreaterThan(Int(image.v[chroma]), 128 + 40, "no red overlay at \(x),\(y)")
                XCTAssertLessThan(Int(image.u[chroma]), 128 - 20, "no red overlay at \(x),\(y)")
            }
            for x in stride(from: 190, to: width, by: 5) {
                let chroma = (y / 2) * (width / 2) + x / 2
                XCTAssertEqual(image.y[y * width + x], original.y[y * width + x], "overlay on sharp pixel \(x),\(y)")
                XCTAssertEqual(image.u[chroma], 128)
                XCTAssertEqual(image.v[chroma], 128)
            }
        }
    }

    func testNoTextureFramesGetHatchingAndNoOverlay() {
        let width = 160, height = 90
        var image = grey(width: width, height: height)
        image.y = [UInt8](repeating: 200, count: width * height)
        let map = BlurMap(width: 16, height: 9, fill: 255)
        let analysis = FrameAnalysis(state: .noTexture, score: nil, blurredFraction: nil, map: map)
        FrameAnnotator(width: width, height: height).annotate(&image, analysis: analysis, timecode: "00:00:00:00")
        XCTAssertTrue(image.u.allSatisfy { $0 == 128 } && image.v.allSatisfy { $0 == 128 }, "colour on a no_texture frame")
        let lowerHalf = image.y[(height / 2 * width)...]
        XCTAssertTrue(lowerHalf.contains(164), "no hatch stripes")
        XCTAssertTrue(lowerHalf.contains(200), "hatching covers everything")
    }

    func testPanelShowsTextAndGaugeFilledToTheScore() {
        let width = 640, height = 480
        let map = BlurMap(width: 16, height: 12)
        var sharp = grey(width: width, height: height)
        var soft = grey(width: width, height: height)
        let annotator = FrameAnnotator(width: width, height: height)
        XCTAssertEqual(annotator.scale, 2)
        annotator.annotate(&sharp, analysis: FrameAnalysis(state: .ok, score: 1, blurredFraction: 0, map: map), timecode: "00:00:00:00")
        annotator.annotate(&soft, analysis: FrameAnalysis(state: .ok, score: 0, blurredFraction: 0, map: map), timecode: "00:00:00:00")
        // Text pixels are white (235) inside the dark panel.
        let panelRows = (8..<60).flatMap { y in (8..<150).map { sharp.y[y * width + $0] } }
        XCTAssertTrue(panelRows.contains(235))
        XCTAssertTrue(panelRows.contains(OverlayColor.panel.y))
        // The gauge differs between score 1 (filled, green) and score 0 (empty).
        XCTAssertNotEqual(sharp.v, soft.v)
        XCTAssertEqual(Array(sharp.y[(200 * width)...]), Array(soft.y[(200 * width)...]))
    }
}
