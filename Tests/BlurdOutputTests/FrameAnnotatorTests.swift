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

    /// A blur-type model: defocus keeps yellow-red, motion turns cyan-blue with white strokes
    /// along its direction, and a legend sits under the score panel.
    func testBlurTypesGetTheirColoursStrokesAndLegend() {
        let width = 320, height = 180
        var image = grey(width: width, height: height)
        let map = BlurMap(width: 16, height: 9, fill: 255)
        // Left half defocus, right half motion at 30°.
        var motion = [UInt8](repeating: 0, count: 16 * 9), angle = [UInt8](repeating: BlurTypeMap.noDirection, count: 16 * 9)
        for y in 0..<9 { for x in 8..<16 { motion[y * 16 + x] = 255; angle[y * 16 + x] = 30 } }
        let analysis = FrameAnalysis(state: .ok, score: 0.3, blurredFraction: 1, map: map,
                                     blurType: BlurTypeSummary(defocusFraction: 0.5, motionFraction: 0.5, dominant: .mixed, motionAngle: nil),
                                     typeMap: BlurTypeMap(width: 16, height: 9, motion: motion, angle: angle))
        FrameAnnotator(width: width, height: height).annotate(&image, analysis: analysis, timecode: "00:00:01:00")
        func chroma(_ x: Int, _ y: Int) -> (u: Int, v: Int) {
            let i = (y / 2) * (width / 2) + x / 2
            return (Int(image.u[i]), Int(image.v[i]))
        }
        // Defocus: red (V high, U low), between the strokes' lattice columns; motion: blue (U high, V low).
        for y in stride(from: 70, to: height, by: 16) {
            XCTAssertGreaterThan(chroma(100, y).v, 128 + 40, "defocus colour at 100,\(y)")
            XCTAssertLessThan(chroma(100, y).u, 128 - 20)
            XCTAssertGreaterThan(chroma(260, y).u, 128 + 30, "motion colour at 260,\(y)")
            XCTAssertLessThan(chroma(260, y).v, 128 - 20)
        }
        // A stroke through the lattice point (264, 72) at 30°: white along the line (rows run
        // down, so +x goes up), not across it.
        for t in [-4, 0, 4] {
            let x = 264 + Int((Double(t) * cos(Double.pi / 6)).rounded()), y = 72 - Int((Double(t) * sin(Double.pi / 6)).rounded())
            XCTAssertEqual(image.y[y * width + x], OverlayColor.white.y, "stroke at \(x),\(y)")
        }
        XCTAssertNotEqual(image.y[(72 + 4) * width + 264 + 2], OverlayColor.white.y, "the stroke is a line, not a blob")
        // No strokes on defocus.
        let defocusLuma = (60..<height).flatMap { y in (0..<150).map { image.y[y * width + $0] } }
        XCTAssertFalse(defocusLuma.contains(OverlayColor.white.y))
        // The legend under the panel: both swatch colours and white text on the dark panel.
        let legend = (30..<50).flatMap { y in (4..<60).map { chroma($0, y) } }
        XCTAssertTrue(legend.contains { $0.v > 128 + 40 }, "defocus swatch")
        XCTAssertTrue(legend.contains { $0.u > 128 + 30 }, "motion swatch")
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
