import BlurdCore
import BlurdMedia
@testable import BlurdAnalysis
import BlurdSegmenter
import BlurdTestSupport
import Foundation
import XCTest

/// The CNN analyzer's states, map, blurred fraction and score. Tests marked "trained model"
/// skip while the embedded model is the random placeholder and hold the trained model to the
/// robustness targets of issue 8 on small synthetic versions of each case.
final class CNNAnalyzerTests: XCTestCase {
    private typealias Scenes = CNNAnalyzerScenes

    // MARK: texture gate in front of the net (any weights)

    func testCoveredLensAndFlatFramesAreNoTextureWithoutScore() throws {
        let analyzer = try Scenes.analyzer()
        let frames = [
            ("covered lens", Scenes.coveredLens(seed: 3)),
            ("black", SyntheticFrames.uniform(width: Scenes.width, height: Scenes.height, value: 0)),
            ("grey", SyntheticFrames.uniform(width: Scenes.width, height: Scenes.height, value: 128)),
            ("grey + noise σ 6", SyntheticFrames.addNoise(
                SyntheticFrames.uniform(width: Scenes.width, height: Scenes.height, value: 128), sigma: 6, seed: 2)),
        ]
        for (name, frame) in frames {
            let analysis = try analyzer.analyze(frame)
            XCTAssertEqual(analysis.state, .noTexture, name)
            XCTAssertNil(analysis.score, name)
            XCTAssertNil(analysis.blurredFraction, name)
        }
    }

    func testCompressedCoveredLensIsNoTexture() throws {
        // x264 flattens the fine sensor noise (the noise estimate reads ≈ 0) but leaves blotches
        // of a few levels: the texture gate's structure floor has to stay above them.
        let path = try TemporaryDirectory.make("blurd-covered", for: self).appendingPathComponent("covered.mp4").path
        var options = VideoWriterOptions(path: path, width: Scenes.width, height: Scenes.height)
        options.crf = 28
        let glow = GaussianBlur.apply(Scenes.darkened(Scenes.deadLeaves(seed: 8), peak: 50), sigma: 24)
        try ClipEncoder.encode(options, frames: 5) { index in
            SyntheticFrames.addNoise(GrayImage(width: glow.width, height: glow.height, pixels: glow.pixels.map { $0 &+ 40 }),
                                     sigma: 6, seed: UInt64(index))
        }

        let analyzer = try Scenes.analyzer()
        let source = try VideoSource(options: VideoSourceOptions(url: path))
        var luma = GrayImage(width: 0, height: 0)
        var frames = 0
        while try source.nextFrame(into: &luma) != nil {
            XCTAssertEqual(try analyzer.analyze(luma).state, .noTexture, "frame \(frames)")
            frames += 1
        }
        XCTAssertEqual(frames, 5)
    }

    func testDarkAndNoisyTexturedFramesAreOkWithAFiniteScore() throws {
        let analyzer = try Scenes.analyzer()
        let scene = Scenes.deadLeaves(seed: 11)
        let frames = [
            ("dark, levels 0–30, noise σ 2", SyntheticFrames.addNoise(Scenes.darkened(scene, peak: 30), sigma: 2, seed: 5)),
            ("noise σ 12", SyntheticFrames.addNoise(scene, sigma: 12, seed: 6)),
        ]
        for (name, frame) in frames {
            let analysis = try analyzer.analyze(frame)
            XCTAssertEqual(analysis.state, .ok, name)
            let score = try XCTUnwrap(analysis.score, name)
            XCTAssertTrue(score.isFinite && score >= 0 && score <= 1, "\(name): score \(score)")
        }
    }

    // MARK: map and blurred fraction (any weights)

    func testMapIsTheNetOutputOnTexturedCellsAndTheFillOnFlatOnes() throws {
        let model = try DefaultModel.load()
        let analyzer = try Scenes.analyzer(model: model)
        // Left half textured, right half flat.
        var frame = Scenes.deadLeaves(seed: 21)
        for y in 0..<frame.height { for x in (frame.width / 2)..<frame.width { frame[x, y] = 90 } }
        let analysis = try analyzer.analyze(frame)
        XCTAssertEqual(analysis.state, .ok)

        let probabilities = try Segmenter(model: model, precision: .fp32, threads: 1).probabilities(frame)
        XCTAssertEqual(analysis.map.width, Scenes.width / 4)
        XCTAssertEqual(analysis.map.height, Scenes.height / 4)
        let grid = TileGrid(imageWidth: frame.width, imageHeight: frame.height)
        let texture = TextureGate().measure(frame, grid: grid)
        var textured = 0, blurred = 0
        var gateSums = [Double](repeating: 0, count: grid.cellCount), gateCounts = [Int](repeating: 0, count: grid.cellCount)
        func gateCell(_ x: Int, _ y: Int) -> Int { grid.rowOfPixel[4 * y + 2] * grid.width + grid.columnOfPixel[4 * x + 2] }
        for y in 0..<probabilities.height {
            for x in 0..<probabilities.width {
                let expected = UInt8((probabilities[x, y] * 255).rounded())
                guard texture.texturedCells[gateCell(x, y)] else { continue }
                XCTAssertEqual(analysis.map[x, y], expected, "textured cell \(x),\(y) is not the net's value")
                gateSums[gateCell(x, y)] += Double(expected) / 255
                gateCounts[gateCell(x, y)] += 1
                textured += 1
                if expected >= BlurMap.blurredThreshold { blurred += 1 }
            }
        }
        // Flat cells hold the textured neighbourhood's verdict, not the net's guess.
        let means = zip(gateSums, gateCounts).map { $1 > 0 ? $0 / Double($1) : 0 }
        let filled = try XCTUnwrap(FlatCellFill.fill(means, textured: gateCounts.map { $0 > 0 }, width: grid.width, height: grid.height))
        for y in 0..<probabilities.height {
            for x in 0..<probabilities.width where !texture.texturedCells[gateCell(x, y)] {
                XCTAssertEqual(analysis.map[x, y], UInt8((filled[gateCell(x, y)] * 255).rounded()), "flat cell \(x),\(y)")
            }
        }
        // Only the left half counts.
        XCTAssertLessThan(textured, probabilities.width * probabilities.height * 6 / 10)
        XCTAssertGreaterThan(textured, probabilities.width * probabilities.height * 3 / 10)
        XCTAssertEqual(try XCTUnwrap(analysis.blurredFraction), Double(blurred) / Double(textured), accuracy: 1e-12)
    }

    func testOddFrameSizesGiveACeilingGrid() throws {
        let analyzer = try Scenes.analyzer()
        var frame = GrayImage(width: 157, height: 93)
        let scene = Scenes.deadLeaves(seed: 4)
        for y in 0..<93 { for x in 0..<157 { frame[x, y] = scene[x, y] } }
        let analysis = try analyzer.analyze(frame)
        XCTAssertEqual(analysis.map.width, 40)
        XCTAssertEqual(analysis.map.height, 24)
    }

    // MARK: trained model

    func testTrainedModelReadsSharpFramesSharp() throws {
        let analyzer = try Scenes.analyzer(model: try Scenes.trainedModel())
        let scene = Scenes.deadLeaves(seed: 31)
        let frames = [
            ("sharp", scene),
            ("sharp + noise σ 10", SyntheticFrames.addNoise(scene, sigma: 10, seed: 1)),
            ("sharp, dark", SyntheticFrames.addNoise(Scenes.darkened(scene, peak: 50), sigma: 1.5, seed: 2)),
            ("sharp, video-soft (σ 0.6)", GaussianBlur.apply(scene, sigma: 0.6)),
        ]
        for (name, frame) in frames {
            let analysis = try analyzer.analyze(frame)
            XCTAssertEqual(analysis.state, .ok, name)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(analysis.score), CNNAnalyzerScoreTests.sharpTarget, name)
            XCTAssertLessThanOrEqual(try XCTUnwrap(analysis.blurredFraction), 0.05, name)
        }
    }

    func testTrainedModelScoreFallsOverAFocusPull() throws {
        let analyzer = try Scenes.analyzer(model: try Scenes.trainedModel())
        let scene = Scenes.deadLeaves(seed: 41)
        var scores: [Double] = []
        for sigma in CNNAnalyzerScoreTests.focusSchedule {
            let frame = sigma == 0 ? scene : GaussianBlur.apply(scene, sigma: sigma)
            scores.append(try XCTUnwrap(try analyzer.analyze(frame).score, "σ \(sigma)"))
        }
        for k in 1..<scores.count {
            XCTAssertLessThan(scores[k], scores[k - 1], "σ \(CNNAnalyzerScoreTests.focusSchedule[k]): scores \(scores)")
        }
        XCTAssertLessThan(scores.last!, 0.3, "fully defocused: scores \(scores)")
    }

    func testTrainedModelMarksABlurredRegion() throws {
        let analyzer = try Scenes.analyzer(model: try Scenes.trainedModel())
        let scenes = [
            ("clean", Scenes.regionBlurred(Scenes.deadLeaves(seed: 51), sigma: 4, fromX: 160, toX: 320)),
            ("noisy", SyntheticFrames.addNoise(Scenes.regionBlurred(Scenes.deadLeaves(seed: 52), sigma: 4, fromX: 160, toX: 320),
                                               sigma: 8, seed: 3)),
            ("dark", SyntheticFrames.addNoise(Scenes.darkened(Scenes.regionBlurred(Scenes.deadLeaves(seed: 53), sigma: 4,
                                                                                  fromX: 160, toX: 320), peak: 50),
                                              sigma: 1.5, seed: 4)),
        ]
        for (name, frame) in scenes {
            let map = try analyzer.analyze(frame).map
            var intersection = 0, union = 0
            for y in 0..<map.height {
                for x in 0..<map.width {
                    let truth = x >= map.width / 2
                    let predicted = map[x, y] >= BlurMap.blurredThreshold
                    if truth && predicted { intersection += 1 }
                    if truth || predicted { union += 1 }
                }
            }
            XCTAssertGreaterThanOrEqual(Double(intersection) / Double(max(1, union)), 0.7, name)
        }
    }
}
