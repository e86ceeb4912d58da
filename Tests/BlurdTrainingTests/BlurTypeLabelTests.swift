import BlurdCore
@testable import BlurdTraining
import XCTest

/// The blur-type truth the synthesis gives every blurred pixel, from its kernel.
final class BlurTypeLabelTests: XCTestCase {
    private func degrees(_ radians: Float) -> Float { radians * 180 / .pi }

    func testLinearMotionAngleIsTheSmearDirectionCounterClockwiseOnScreen() {
        for angle: Float in [0, 20, 45, 90, 135, 170] {
            let kernel = BlurKernel.linearMotion(length: 15, angle: angle * .pi / 180)
            let label = BlurTypeLabel(kernel: kernel, family: .linearMotion)
            XCTAssertEqual(label.type, .motion)
            XCTAssertEqual(degrees(label.angle), angle, accuracy: 1, "smear at \(angle)°")
            XCTAssertEqual(label.angleWeight, 1, "a line has one direction")
        }
        // Screen convention: at 45° the smear runs from bottom-left to top-right, i.e. the
        // kernel's weight is up-right of the centre (grid y runs down).
        let diagonal = BlurKernel.linearMotion(length: 9, angle: .pi / 4)
        XCTAssertGreaterThan(diagonal[3, -3], 0)
        XCTAssertEqual(diagonal[3, 3], 0)
        // A direction is modulo 180°: the double angle of 0° and 180° is the same.
        let (c, s) = BlurTypeLabel(kernel: .linearMotion(length: 15, angle: .pi), family: .linearMotion).doubleAngle
        XCTAssertEqual(c, 1, accuracy: 1e-3)
        XCTAssertEqual(s, 0, accuracy: 1e-3)
    }

    func testDefocusFamiliesHaveNoDirection() {
        for (kernel, family) in [(BlurKernel.disk(radius: 5), BlurFamily.disk), (.gaussian(sigma: 3), .gaussian), (.box(width: 9), .box)] {
            let label = BlurTypeLabel(kernel: kernel, family: family)
            XCTAssertEqual(label.type, .defocus, "\(family)")
            XCTAssertEqual(label.angleWeight, 0, "\(family)")
        }
        XCTAssertEqual(BlurKernel.disk(radius: 6).principalAxis.axisRatio, 1, accuracy: 0.02)
    }

    func testShakeTakesTheAngleOfItsMainAxisAndNoWeightWhenRound() {
        // An L-shaped path: long horizontal leg, short vertical one → main axis near 0°.
        var points: [(x: Float, y: Float)] = (0..<200).map { (Float($0) * 0.1, 0) }
        points += (0..<30).map { (20, Float($0) * 0.1) }
        let elongated = BlurTypeLabel(kernel: BlurKernel.path(points, maxRadius: 14), family: .shake)
        XCTAssertEqual(elongated.type, .motion)
        let folded = min(degrees(elongated.angle), 180 - degrees(elongated.angle))
        XCTAssertLessThan(folded, 10)
        XCTAssertEqual(elongated.angleWeight, 1)
        // A circle: no main axis.
        let circle = (0..<400).map { i -> (x: Float, y: Float) in
            let t = Float(i) / 400 * 2 * .pi
            return (6 * cos(t), 6 * sin(t))
        }
        let round = BlurTypeLabel(kernel: BlurKernel.path(circle, maxRadius: 10), family: .shake)
        XCTAssertEqual(round.type, .motion)
        XCTAssertEqual(round.angleWeight, 0)
    }

    func testSynthesisedSamplesCarryTheirKernelsType() throws {
        var config = SynthesisConfig()
        config.cropSize = 64
        config.allSharpWeight = 0
        let library = try PhotoLibrary(images: (0..<2).map { index in
            var rng = SynthesisRandom(seed: UInt64(index) + 9)
            var image = GrayImage(width: 200, height: 160)
            for i in image.pixels.indices { image.pixels[i] = UInt8(rng.integer(0...255)) }
            return (name: "noise\(index)", image: image)
        })
        let synthesizer = SampleSynthesizer(library: library, config: config, seed: 3)
        var seen = Set<BlurType>()
        for _ in 0..<24 {
            let sample = synthesizer.next()
            let recipe = try XCTUnwrap(synthesizer.lastRecipe)
            let family = try XCTUnwrap(recipe.family)
            let label = try XCTUnwrap(sample.blurType)
            XCTAssertEqual(label, recipe.blurType)
            XCTAssertEqual(label.type, BlurType(family: family))
            seen.insert(label.type)
            // The type map is the blur mask where the kernel is a motion, empty otherwise.
            XCTAssertEqual(sample.motionMap, label.type == .motion ? sample.mask : FloatImage(width: 64, height: 64))
        }
        XCTAssertEqual(seen, [.defocus, .motion], "24 samples drew only one type")

        var sharpOnly = config
        sharpOnly.allSharpWeight = 1
        sharpOnly.blurredBackgroundWeight = 0; sharpOnly.blurredObjectWeight = 0; sharpOnly.wholeFrameWeight = 0
        XCTAssertNil(SampleSynthesizer(library: library, config: sharpOnly, seed: 3).next().blurType)
    }
}
