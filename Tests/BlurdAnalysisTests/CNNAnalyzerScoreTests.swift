import BlurdCore
@testable import BlurdAnalysis
import BlurdTestSupport
import XCTest

/// The calibrated score: its formula, and the multi-octave energy ratios that carry it past the
/// CNN's threshold, on natural-looking synthetic scenes under noise, darkness and blur.
final class CNNAnalyzerScoreTests: XCTestCase {
    private typealias Scenes = CNNAnalyzerScenes

    /// Issue 8: every sharp clip scores at least this.
    static let sharpTarget = 0.8
    /// Gaussian sigmas of the synthetic focus pull, in analysis pixels.
    static let focusSchedule: [Double] = [0, 0.5, 1, 1.5, 2, 3, 4, 6, 8]

    private func ratios(_ frame: GrayImage) -> [Double?] {
        let grid = TileGrid(imageWidth: frame.width, imageHeight: frame.height)
        let texture = TextureGate().measure(frame, grid: grid)
        XCTAssertEqual(texture.state, .ok)
        return SharpnessScoreOctaves().energyRatios(frame, grid: grid, texture: texture)
    }

    // MARK: the formula

    func testScoreEndsAndWeights() {
        XCTAssertEqual(SharpnessScore(meanBlurProbability: 0, octaveRatios: [0.9, 0.8, 1.2]).value, 1)
        XCTAssertEqual(SharpnessScore(meanBlurProbability: 1, octaveRatios: [0.25, 0.2, 0.25]).value, 0)
        // Sharp at every octave, the CNN unsure everywhere: only the CNN's weight is lost.
        XCTAssertEqual(SharpnessScore(meanBlurProbability: 0.5, octaveRatios: [0.9, 0.9, 0.9]).value,
                       1 - 0.5 * SharpnessScore.cnnWeight, accuracy: 1e-12)
        // An octave without evidence drops out and the others are renormalised.
        let partial = SharpnessScore(meanBlurProbability: 1, octaveRatios: [nil, 0.9, 0.9])
        XCTAssertEqual(partial.value, 1 - SharpnessScore.cnnWeight / (SharpnessScore.cnnWeight + 0.4), accuracy: 1e-12)
        XCTAssertNil(partial.octaveBlur[0])
    }

    func testScoreIsNeverNaNAndStaysInRange() {
        for probability in [Double.nan, -1, 2, .infinity] {
            for ratio in [Double.nan, -3, 0, 7, .infinity] {
                let score = SharpnessScore(meanBlurProbability: probability, octaveRatios: [ratio, ratio, nil]).value
                XCTAssertTrue(score.isFinite && score >= 0 && score <= 1, "P \(probability), ρ \(ratio): \(score)")
            }
        }
    }

    func testScoreFallsWithEachInput() {
        var previous = 2.0
        for probability in stride(from: 0.0, through: 1.0, by: 0.1) {
            let score = SharpnessScore(meanBlurProbability: probability, octaveRatios: [0.6, 0.6, 0.6]).value
            XCTAssertLessThan(score, previous)
            previous = score
        }
        previous = 2.0
        for ratio in stride(from: SharpnessScore.sharpRatio, through: SharpnessScore.smoothRatio, by: -0.05) {
            let score = SharpnessScore(meanBlurProbability: 0.2, octaveRatios: [0.6, ratio, 0.6]).value
            XCTAssertLessThan(score, previous)
            previous = score
        }
    }

    // MARK: octave energy ratios (calibration)

    func testSharpScenesReadSharpAtEveryOctaveUnderNoiseDarknessAndSoftness() {
        for seed: UInt64 in [1, 2, 3] {
            let scene = Scenes.deadLeaves(seed: seed)
            let frames = [
                ("clean", scene),
                ("noise σ 12", SyntheticFrames.addNoise(scene, sigma: 12, seed: seed)),
                ("dark, levels 0–30, noise σ 2", SyntheticFrames.addNoise(Scenes.darkened(scene, peak: 30), sigma: 2, seed: seed)),
                ("video-soft σ 0.7", GaussianBlur.apply(scene, sigma: 0.7)),
            ]
            for (name, frame) in frames {
                let ratios = self.ratios(frame)
                let score = SharpnessScore(meanBlurProbability: 0, octaveRatios: ratios)
                XCTAssertGreaterThanOrEqual(score.value, 0.98, "seed \(seed), \(name): ρ \(ratios)")
            }
        }
    }

    func testOctaveScoreFallsMonotonicallyOverAFocusPull() {
        for seed: UInt64 in [5, 6] {
            let scene = Scenes.deadLeaves(seed: seed)
            var scores: [Double] = []
            for sigma in Self.focusSchedule {
                let frame = sigma == 0 ? scene : GaussianBlur.apply(scene, sigma: sigma)
                // The CNN's part held fixed: the octaves alone must order the blur.
                scores.append(SharpnessScore(meanBlurProbability: 0, octaveRatios: ratios(frame)).value)
            }
            for k in 1..<scores.count {
                XCTAssertLessThanOrEqual(scores[k], scores[k - 1], "seed \(seed), σ \(Self.focusSchedule[k]): \(scores)")
            }
            // Past the CNN's threshold (σ ≥ 1.5) each step must still lower the score.
            for k in Self.focusSchedule.indices where Self.focusSchedule[k] > 1.5 {
                XCTAssertLessThan(scores[k], scores[k - 1] - 0.01, "seed \(seed), σ \(Self.focusSchedule[k]): \(scores)")
            }
            // With the CNN's part held at 0 the octaves alone can lower the score to 0.4.
            XCTAssertLessThan(scores.last!, 0.7, "seed \(seed): \(scores)")
        }
    }
}
