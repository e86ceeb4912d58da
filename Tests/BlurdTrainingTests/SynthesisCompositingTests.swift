import BlurdCore
@testable import BlurdTraining
import XCTest

final class SynthesisCompositingTests: XCTestCase {
    private let size = 96
    private let margin = 15

    /// Random texture: every blur changes it, so "untouched" is a strong statement.
    private func texture(seed: UInt64) -> FloatImage {
        var rng = SynthesisRandom(seed: seed)
        return FloatImage(width: size, height: size, pixels: (0..<(size * size)).map { _ in rng.unit() })
    }

    /// A disk-shaped object alpha centred in the canvas.
    private func diskAlpha(radius: Float) -> FloatImage {
        var alpha = FloatImage(width: size, height: size)
        let c = Float(size) / 2
        for y in 0..<size {
            for x in 0..<size {
                let dx = Float(x) + 0.5 - c, dy = Float(y) + 0.5 - c
                if dx * dx + dy * dy <= radius * radius { alpha[x, y] = 1 }
            }
        }
        return alpha
    }

    private func isBinary(_ image: FloatImage) -> Bool { image.pixels.allSatisfy { $0 == 0 || $0 == 1 } }

    func testBlurredBackgroundLeavesTheSharpObjectUntouched() {
        let sharp = texture(seed: 1)
        let alpha = diskAlpha(radius: 25)
        let kernel = BlurKernel.disk(radius: 5)
        let (image, mask) = LayerCompositor.blurredBackground(sharp: sharp, alpha: alpha, kernel: kernel, margin: margin)
        let source = LayerCompositor.interior(sharp, margin: margin)
        let a = LayerCompositor.interior(alpha, margin: margin)
        XCTAssertTrue(isBinary(mask))
        var inside = 0, changedOutside = 0, outside = 0
        for i in image.pixels.indices {
            XCTAssertEqual(mask.pixels[i], 1 - a.pixels[i], "mask is not the complement of the object")
            if a.pixels[i] == 1 {
                inside += 1
                XCTAssertEqual(image.pixels[i], source.pixels[i], "a sharp-object pixel changed")
            } else {
                outside += 1
                if abs(image.pixels[i] - source.pixels[i]) > 0.02 { changedOutside += 1 }
            }
        }
        XCTAssertGreaterThan(inside, 1000)
        XCTAssertGreaterThan(Float(changedOutside) / Float(outside), 0.8, "the background was not blurred")
    }

    func testBlurredObjectBleedsOverItsBoundaryAndSparesTheFarBackground() {
        let sharp = texture(seed: 2)
        let alpha = diskAlpha(radius: 20)
        let kernel = BlurKernel.disk(radius: 4)
        let (image, mask) = LayerCompositor.blurredObject(sharp: sharp, alpha: alpha, kernel: kernel, margin: margin)
        let source = LayerCompositor.interior(sharp, margin: margin)
        XCTAssertTrue(isBinary(mask))
        let c = Float(size - 2 * margin) / 2
        var agree = 0, total = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let d = ((Float(x) + 0.5 - c) * (Float(x) + 0.5 - c) + (Float(y) + 0.5 - c) * (Float(y) + 0.5 - c)).squareRoot()
                let i = y * image.width + x
                if d > 20 + Float(kernel.radius) + 1 {
                    XCTAssertEqual(image.pixels[i], source.pixels[i], accuracy: 1e-6, "background beyond the blur reach changed")
                    XCTAssertEqual(mask.pixels[i], 0)
                }
                if d < 20 - Float(kernel.radius) - 1 { XCTAssertEqual(mask.pixels[i], 1) }
                // A symmetric blur of a disk keeps its half-coverage contour at the disk's edge.
                total += 1
                if (d <= 20) == (mask.pixels[i] == 1) { agree += 1 }
            }
        }
        XCTAssertGreaterThan(Float(agree) / Float(total), 0.98)
        // Straight across the edge the result mixes object and background (the bleed).
        let edge = Int(c) + 20
        XCTAssertNotEqual(image[edge, Int(c)], source[edge, Int(c)])
    }

    func testBlurOverFlatContentDoesNotCountInTheLoss() {
        // Left half flat grey, right half texture; the whole frame blurred.
        var sharp = texture(seed: 3)
        for y in 0..<size { for x in 0..<(size / 2) { sharp[x, y] = 0.4 } }
        let (image, mask) = LayerCompositor.wholeFrame(sharp: sharp, kernel: .disk(radius: 4), margin: margin)
        let reference = LayerCompositor.interior(sharp, margin: margin)
        let weight = BlurObservability.weight(composite: image, sharp: reference, mask: mask, tone: ToneCurve(),
                                              radius: 3, levels: 1...3)
        let w = weight.width
        // Far inside the flat half the blur changed nothing: weight 0. On the texture: 1.
        XCTAssertEqual(weight[2, w / 2], 0)
        XCTAssertEqual(weight[w - 3, w / 2], 1)
        // A scene darkened to a tenth leaves a tenth of the change: faint blur counts less.
        let dark = BlurObservability.weight(composite: image, sharp: reference, mask: mask, tone: ToneCurve(gain: 0.01),
                                            radius: 3, levels: 1...3)
        XCTAssertEqual(dark[w - 3, w / 2], 0)
        // Sharp pixels always count.
        let sharpOnly = LayerCompositor.allSharp(sharp: sharp, margin: margin)
        let sharpWeight = BlurObservability.weight(composite: sharpOnly.image, sharp: reference, mask: sharpOnly.mask,
                                                   tone: ToneCurve(), radius: 3, levels: 1...3)
        XCTAssertTrue(sharpWeight.pixels.allSatisfy { $0 == 1 })
    }

    func testHazeLowersContrastWithoutBlurring() {
        let sharp = texture(seed: 4)
        var hazy = sharp
        var rng = SynthesisRandom(seed: 5)
        Haze.apply(&hazy, airlight: 0.8, minimumTransmission: 0.3, using: &rng)
        // Per pixel an affine map towards the airlight: t = (hazy − A)/(sharp − A) ∈ [0.3, 1],
        // so every local difference keeps its sign and shrinks by at most 0.3 (no mixing of
        // neighbours, i.e. no blur).
        var lowest: Float = 1
        for i in sharp.pixels.indices where abs(sharp.pixels[i] - 0.8) > 0.05 {
            let t = (hazy.pixels[i] - 0.8) / (sharp.pixels[i] - 0.8)
            XCTAssertGreaterThanOrEqual(t, 0.3 - 1e-4)
            XCTAssertLessThanOrEqual(t, 1 + 1e-4)
            lowest = min(lowest, t)
        }
        XCTAssertLessThan(lowest, 0.5, "the haze is too thin to matter")
    }

    func testWholeFrameAndAllSharpMasks() {
        let sharp = texture(seed: 3)
        let whole = LayerCompositor.wholeFrame(sharp: sharp, kernel: .gaussian(sigma: 2), margin: margin)
        XCTAssertTrue(whole.mask.pixels.allSatisfy { $0 == 1 })
        let none = LayerCompositor.allSharp(sharp: sharp, margin: margin)
        XCTAssertTrue(none.mask.pixels.allSatisfy { $0 == 0 })
        XCTAssertEqual(none.image, LayerCompositor.interior(sharp, margin: margin))
        XCTAssertEqual(whole.image.width, size - 2 * margin)
    }

    func testProposalsAreBinaryAndNearTheRequestedArea() {
        var rng = SynthesisRandom(seed: 11)
        let canvas = texture(seed: 4)
        for kind in [ObjectProposalKind.fourierContour, .noiseBlob] {
            for target in [0.1, 0.3] as [Float] {
                let region = ObjectProposals.region(kind, canvas: canvas, areaFraction: target, using: &rng)
                XCTAssertTrue(isBinary(region))
                let area = region.pixels.reduce(0, +) / Float(region.pixels.count)
                XCTAssertEqual(area, target, accuracy: kind == .noiseBlob ? 0.03 : target * 0.6, "\(kind) area")
            }
        }
    }

    func testRegionGrowingFollowsAnObjectInThePhoto() {
        // A bright square on a dark, lightly textured background: a grown region is either the
        // square or a piece of the background, and its boundary follows the square's edge.
        var rng = SynthesisRandom(seed: 5)
        var canvas = FloatImage(width: size, height: size)
        for y in 0..<size {
            for x in 0..<size {
                let inSquare = (28..<68).contains(x) && (28..<68).contains(y)
                canvas[x, y] = (inSquare ? 0.8 : 0.2) + 0.01 * rng.unit()
            }
        }
        var matches = 0
        for _ in 0..<20 {
            let region = ObjectProposals.region(.regionGrowing, canvas: canvas, areaFraction: 0.17, using: &rng)
            XCTAssertTrue(isBinary(region))
            XCTAssertGreaterThan(region.pixels.reduce(0, +), 0)
            var agree = 0
            for y in 0..<size {
                for x in 0..<size {
                    let inSquare = (28..<68).contains(x) && (28..<68).contains(y)
                    if (region[x, y] == 1) == inSquare { agree += 1 }
                }
            }
            if Float(agree) / Float(size * size) > 0.97 { matches += 1 }
        }
        // The background is too large for the requested area, so most proposals find the square.
        XCTAssertGreaterThanOrEqual(matches, 10, "grown regions do not follow the square")
    }

    func testSharpnessMapSeparatesTextureFromSoftContent() {
        // Left half: fine random texture; right half: a smooth ramp (bokeh-like).
        var rng = SynthesisRandom(seed: 6)
        var photo = GrayImage(width: 256, height: 128)
        for y in 0..<128 {
            for x in 0..<256 {
                photo[x, y] = x < 128 ? UInt8(40 + Int(rng.unit() * 170)) : UInt8(60 + (x - 128) / 2)
            }
        }
        let map = SharpnessMap(photo: photo)
        XCTAssertEqual(map.tilesX, 16)
        XCTAssertGreaterThan(map.sharpFraction(x: 0, y: 0, width: 128, height: 128), 0.95)
        // The first ramp tile touches the texture through the 3×3 average, so start one tile in.
        XCTAssertLessThan(map.sharpFraction(x: 144, y: 0, width: 112, height: 128), 0.05)
        let straddling = map.sharpFraction(x: 64, y: 0, width: 128, height: 128)
        XCTAssertTrue((0.5...0.63).contains(straddling), "half-textured window: \(straddling)")
    }
}
