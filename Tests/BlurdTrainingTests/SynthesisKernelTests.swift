import BlurdCore
@testable import BlurdTraining
import XCTest

final class SynthesisKernelTests: XCTestCase {
    private func assertNormalised(_ kernel: BlurKernel, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(kernel.weights.reduce(0, +), 1, accuracy: 1e-5, "\(label) does not sum to 1", file: file, line: line)
        XCTAssertFalse(kernel.weights.contains { $0 < 0 }, "\(label) has a negative weight", file: file, line: line)
    }

    func testEveryFamilySumsToOne() {
        var rng = SynthesisRandom(seed: 7)
        for r in [1.0, 2.5, 3, 7.3, 12] as [Float] { assertNormalised(.disk(radius: r), "disk \(r)") }
        for s in [0.3, 1.5, 3.7, 5] as [Float] { assertNormalised(.gaussian(sigma: s), "gaussian \(s)") }
        for w in [1.0, 6, 7, 12.4, 25] as [Float] { assertNormalised(.box(width: w), "box \(w)") }
        for l in [1.0, 6, 9, 17.5, 30] as [Float] {
            for a in [0, 0.3, Float.pi / 4, 2] as [Float] { assertNormalised(.linearMotion(length: l, angle: a), "motion \(l) \(a)") }
        }
        for e in [6.0, 12, 28] as [Float] {
            assertNormalised(CameraShake.kernel(extent: e, anxiety: 0.05, maxRadius: 15, using: &rng), "shake \(e)")
        }
    }

    func testDiskOfIntegerRadiusSpansTwoRPlusOne() {
        for r in 1...12 {
            let s = BlurKernel.disk(radius: Float(r)).support
            XCTAssertEqual(s.maxX - s.minX + 1, 2 * r + 1, "disk \(r) width")
            XCTAssertEqual(s.maxY - s.minY + 1, 2 * r + 1, "disk \(r) height")
            XCTAssertEqual(s.minX, -r)
        }
    }

    func testBoxOfOddWidthSpansExactlyThatWidth() {
        for n in stride(from: 3, through: 25, by: 2) {
            let k = BlurKernel.box(width: Float(n))
            let s = k.support
            XCTAssertEqual(s.maxX - s.minX + 1, n)
            XCTAssertEqual(s.maxY - s.minY + 1, n)
            XCTAssertEqual(k[0, 0], 1 / Float(n * n), accuracy: 1e-6)
        }
        // A width of 6 is 5 full cells and two half cells.
        let six = BlurKernel.box(width: 6)
        XCTAssertEqual(six.support.maxX, 3)
        XCTAssertEqual(six[3, 0] / six[0, 0], 0.5, accuracy: 1e-5)
    }

    func testLinearMotionExtentIsItsLengthAlongItsAngle() {
        let horizontal = BlurKernel.linearMotion(length: 9, angle: 0).support
        XCTAssertEqual(horizontal.minX, -4); XCTAssertEqual(horizontal.maxX, 4)
        XCTAssertEqual(horizontal.minY, 0); XCTAssertEqual(horizontal.maxY, 0)
        let vertical = BlurKernel.linearMotion(length: 15, angle: Float.pi / 2).support
        XCTAssertEqual(vertical.minY, -7); XCTAssertEqual(vertical.maxY, 7)
        XCTAssertEqual(vertical.minX, 0); XCTAssertEqual(vertical.maxX, 0)
        // Diagonal: the non-zero cells project onto the motion direction within L/2 + 1 (the
        // antialiasing tent adds at most one cell at each end) and reach beyond L/2 − 1.
        let length: Float = 20, angle: Float = 0.6
        let k = BlurKernel.linearMotion(length: length, angle: angle)
        var reach: Float = 0
        for dy in -k.radius...k.radius {
            for dx in -k.radius...k.radius where k[dx, dy] > 0 {
                reach = max(reach, abs(Float(dx) * cos(angle) - Float(dy) * sin(angle)))
            }
        }
        XCTAssertLessThanOrEqual(reach, length / 2 + 1)
        XCTAssertGreaterThan(reach, length / 2 - 1)
    }

    func testEquivalentSigmaMatchesTheFamiliesFormulas() {
        XCTAssertEqual(BlurKernel.gaussian(sigma: 2).equivalentSigma, 2, accuracy: 0.03)
        XCTAssertEqual(BlurKernel.disk(radius: 6).equivalentSigma, 3, accuracy: 0.1)
        XCTAssertEqual(BlurKernel.box(width: 7).equivalentSigma, (48 as Float / 12).squareRoot(), accuracy: 0.01)
        XCTAssertEqual(BlurKernel.linearMotion(length: 13, angle: 0).equivalentSigma,
                       (168 as Float / 12).squareRoot(), accuracy: 0.01)
        // The smallest kernels the default configuration draws sit at or above the threshold.
        let config = SynthesisConfig()
        XCTAssertGreaterThanOrEqual(BlurKernel.disk(radius: config.diskRadius.lowerBound).equivalentSigma, 1.45)
        XCTAssertGreaterThanOrEqual(BlurKernel.box(width: config.boxWidth.lowerBound).equivalentSigma, config.blurThresholdSigma)
        XCTAssertGreaterThanOrEqual(BlurKernel.linearMotion(length: config.motionLength.lowerBound, angle: 1).equivalentSigma,
                                    config.blurThresholdSigma)
    }

    func testShakeIsCentredAndWithinItsExtent() {
        var rng = SynthesisRandom(seed: 99)
        for extent in [8, 16, 28] as [Float] {
            let k = CameraShake.kernel(extent: extent, anxiety: 0.08, maxRadius: 15, using: &rng)
            var mx: Float = 0, my: Float = 0
            for dy in -k.radius...k.radius { for dx in -k.radius...k.radius { mx += k[dx, dy] * Float(dx); my += k[dx, dy] * Float(dy) } }
            XCTAssertEqual(mx, 0, accuracy: 0.05, "shake shifts the image")
            XCTAssertEqual(my, 0, accuracy: 0.05, "shake shifts the image")
            let s = k.support
            XCTAssertLessThanOrEqual(Float(max(s.maxX - s.minX, s.maxY - s.minY)), extent + 2)
            XCTAssertGreaterThan(k.equivalentSigma, extent / 12, "a shake of extent \(extent) barely blurs")
            XCTAssertLessThanOrEqual(k.radius, 15)
        }
    }

    /// The fast paths (separable passes, prefix-sum runs, sparse taps) equal the textbook sum.
    func testFilteringMatchesDirectConvolution() {
        var rng = SynthesisRandom(seed: 3)
        let size = 48, margin = 15
        let canvas = FloatImage(width: size, height: size, pixels: (0..<(size * size)).map { _ in rng.unit() })
        let kernels: [BlurKernel] = [.disk(radius: 6.3), .gaussian(sigma: 2.5), .box(width: 9),
                                     .linearMotion(length: 21, angle: 0.4), .linearMotion(length: 11, angle: 0),
                                     CameraShake.kernel(extent: 20, anxiety: 0.1, maxRadius: 15, using: &rng)]
        for kernel in kernels {
            let fast = ImageFiltering.blurInterior(canvas, kernel: kernel, margin: margin)
            var worst: Float = 0
            for y in 0..<(size - 2 * margin) {
                for x in 0..<(size - 2 * margin) {
                    var sum: Float = 0
                    for dy in -kernel.radius...kernel.radius {
                        for dx in -kernel.radius...kernel.radius {
                            sum += kernel[dx, dy] * canvas[x + margin - dx, y + margin - dy]
                        }
                    }
                    worst = max(worst, abs(sum - fast[x, y]))
                }
            }
            XCTAssertLessThan(worst, 1e-4, "kernel of radius \(kernel.radius)")
        }
    }
}
