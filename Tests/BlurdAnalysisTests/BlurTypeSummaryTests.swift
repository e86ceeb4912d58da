import XCTest
import BlurdCore
@testable import BlurdAnalysis
import BlurdSegmenter

/// The per-frame blur-type rule of docs/JSONL.md.
final class BlurTypeSummaryTests: XCTestCase {
    private func summary(sharp: Int, defocus: Int, motion: Int, angle degrees: Double = 30, confidence: Float = 0.9,
                         spread: Double = 0) -> BlurTypeSummary {
        var accumulator = BlurTypeSummary.Accumulator()
        for _ in 0..<sharp { accumulator.addSharp() }
        for _ in 0..<defocus { accumulator.addBlurred(motionProbability: 0.1, cos2: 0, sin2: 0, angleConfidence: 0) }
        for i in 0..<motion {
            // Directions fanned ±spread around `degrees`.
            let d = (degrees + spread * (Double(i % 3) - 1)) * .pi / 180
            accumulator.addBlurred(motionProbability: 0.9, cos2: Float(cos(2 * d)), sin2: Float(sin(2 * d)),
                                   angleConfidence: confidence)
        }
        return accumulator.summary
    }

    func testFractionsAddUpToTheBlurredShareAndTheDominantTypeFollowsTheRule() {
        let motion = summary(sharp: 50, defocus: 5, motion: 45)
        XCTAssertEqual(motion.motionFraction, 0.45)
        XCTAssertEqual(motion.defocusFraction, 0.05)
        XCTAssertEqual(motion.dominant, .motion)
        XCTAssertEqual(try XCTUnwrap(motion.motionAngle), 30, accuracy: 0.05)
        XCTAssertEqual(summary(sharp: 50, defocus: 45, motion: 5).dominant, .defocus)
        let mixed = summary(sharp: 50, defocus: 25, motion: 25)
        XCTAssertEqual(mixed.dominant, .mixed)
        XCTAssertNil(mixed.motionAngle, "no angle unless motion dominates")
        let sharp = summary(sharp: 10, defocus: 0, motion: 0)
        XCTAssertNil(sharp.dominant)
        XCTAssertEqual(sharp.motionFraction, 0)
        let stray = summary(sharp: 991, defocus: 4, motion: 5)
        XCTAssertNil(stray.dominant, "under 1 % of the cells blurred: no type")
        XCTAssertEqual(stray.motionFraction, 0.005, accuracy: 1e-12)
        XCTAssertEqual(summary(sharp: 990, defocus: 0, motion: 10).dominant, .motion, "1 % is enough")
    }

    func testTheAngleIsModulo180AndNullWithoutAMainDirection() {
        XCTAssertEqual(try XCTUnwrap(summary(sharp: 0, defocus: 0, motion: 9, angle: 179.99).motionAngle), 0,
                       "179.99° rounds to 180.0, which is 0°")
        XCTAssertEqual(try XCTUnwrap(summary(sharp: 0, defocus: 0, motion: 9, angle: 170, spread: 20).motionAngle), 170,
                       accuracy: 0.05, "directions on both sides of 0° average across it")
        XCTAssertNil(summary(sharp: 0, defocus: 0, motion: 9, confidence: 0.2).motionAngle, "a shake without a main axis")
        XCTAssertNil(summary(sharp: 0, defocus: 0, motion: 9, spread: 60).motionAngle, "cells that disagree")
    }

    func testTheCNNAnalyzerTypesTheFramesOfATypedModelOnlyAndTheFractionsAddUp() throws {
        let scene = CNNAnalyzerScenes.regionBlurred(CNNAnalyzerScenes.deadLeaves(seed: 4), sigma: 4,
                                                    fromX: 0, toX: CNNAnalyzerScenes.width / 2)
        // A random blurseg-v3 (any weights: the wiring is under test, not the answers).
        let net = Network(spec: .blurSegV3, seed: 12)
        let typed = try CNNAnalyzerScenes.analyzer(model: ModelFile(network: net, inputMean: 0.45, inputStd: 0.25, metadata: [:]))
        let analysis = try typed.analyze(scene)
        let summary = try XCTUnwrap(analysis.blurType)
        XCTAssertEqual(summary.defocusFraction + summary.motionFraction, try XCTUnwrap(analysis.blurredFraction), accuracy: 1e-9)
        XCTAssertEqual(summary.dominant == nil, analysis.blurredFraction == 0)
        XCTAssertNil(try CNNAnalyzerScenes.analyzer().analyze(scene).blurType, "blurseg-v2 has no type heads")
    }
}
