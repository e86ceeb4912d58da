import XCTest
import BlurdCore
import BlurdTestSupport
@testable import BlurdTraining

/// Metrics on hand-made maps and masks, against values worked out by hand.
final class EvaluationMetricsTests: XCTestCase {
    // Sorted by probability: 0.9 T, 0.8 T, 0.7 T, 0.6 F, 0.55 F, 0.4 T, 0.2 F, 0.1 F.
    let probability: [Float] = [0.9, 0.8, 0.6, 0.4, 0.55, 0.1, 0.7, 0.2]
    let truth = [true, true, false, true, false, false, true, false]

    func testCountedMetricsAtOneHalf() throws {
        var accumulator = MetricsAccumulator(threshold: 0.5)
        try accumulator.add(probability: probability, truth: truth)
        let m = accumulator.metrics
        // TP 3 (0.9, 0.8, 0.7), FP 2 (0.6, 0.55), FN 1 (0.4), TN 2 (0.1, 0.2).
        XCTAssertEqual(accumulator.counts.truePositives, 3)
        XCTAssertEqual(accumulator.counts.falsePositives, 2)
        XCTAssertEqual(accumulator.counts.falseNegatives, 1)
        XCTAssertEqual(accumulator.counts.trueNegatives, 2)
        XCTAssertEqual(m.precision, 0.6, accuracy: 1e-12)
        XCTAssertEqual(m.recall, 0.75, accuracy: 1e-12)
        // 1.3 · 0.6 · 0.75 / (0.3 · 0.6 + 0.75) = 0.585 / 0.93
        XCTAssertEqual(m.fMeasure, 0.585 / 0.93, accuracy: 1e-12)
        XCTAssertEqual(m.iou, 0.5, accuracy: 1e-12)
        XCTAssertEqual(m.accuracy, 0.625, accuracy: 1e-12)
        XCTAssertEqual(m.pixels, 8)
    }

    func testMeanAbsoluteError() throws {
        var accumulator = MetricsAccumulator()
        try accumulator.add(probability: probability, truth: truth)
        // 0.1 + 0.2 + 0.6 + 0.6 + 0.55 + 0.1 + 0.3 + 0.2 = 2.65 over 8 pixels.
        XCTAssertEqual(accumulator.metrics.mae, 2.65 / 8, accuracy: 1e-6)
    }

    func testAveragePrecision() throws {
        var accumulator = MetricsAccumulator()
        try accumulator.add(probability: probability, truth: truth)
        // Recall steps of ¼ at precision 1, 1, 1, then the last positive at precision 4/6.
        XCTAssertEqual(accumulator.metrics.averagePrecision, 0.75 + 0.25 * 4 / 6, accuracy: 1e-12)
    }

    func testAveragePrecisionTreatsTiesAsOneThreshold() throws {
        var accumulator = MetricsAccumulator()
        try accumulator.add(probability: [0.5, 0.5, 0.2], truth: [true, false, false])
        XCTAssertEqual(accumulator.metrics.averagePrecision, 0.5, accuracy: 1e-12)
    }

    func testPoolingTwoMapsEqualsOneConcatenatedMap() throws {
        var pooled = MetricsAccumulator()
        try pooled.add(probability: Array(probability[..<3]), truth: Array(truth[..<3]))
        try pooled.add(probability: Array(probability[3...]), truth: Array(truth[3...]))
        var merged = MetricsAccumulator()
        var other = MetricsAccumulator()
        try other.add(probability: probability, truth: truth)
        merged.merge(other)
        var whole = MetricsAccumulator()
        try whole.add(probability: probability, truth: truth)
        XCTAssertEqual(pooled.metrics, whole.metrics)
        XCTAssertEqual(merged.metrics, whole.metrics)
    }

    func testEmptyTruthAndEmptyPredictionIsPerfect() throws {
        var accumulator = MetricsAccumulator()
        try accumulator.add(probability: [0.1, 0.2], truth: [false, false])
        let m = accumulator.metrics
        XCTAssertEqual(m.precision, 1)
        XCTAssertEqual(m.recall, 1)
        XCTAssertEqual(m.iou, 1)
        XCTAssertEqual(m.accuracy, 1)
        XCTAssertEqual(m.averagePrecision, 0)
    }

    func testMissingEveryBlurredPixelScoresZero() throws {
        var accumulator = MetricsAccumulator()
        try accumulator.add(probability: [0.1, 0.2, 0.9], truth: [true, true, false])
        let m = accumulator.metrics
        XCTAssertEqual(m.precision, 0)
        XCTAssertEqual(m.recall, 0)
        XCTAssertEqual(m.fMeasure, 0)
        XCTAssertEqual(m.iou, 0)
    }

    func testSizeMismatchThrows() {
        var accumulator = MetricsAccumulator()
        XCTAssertThrowsError(try accumulator.add(probability: [0.5], truth: [true, false]))
    }

    func testMaskPolarity() {
        XCTAssertEqual(EvaluationDataset.truth(mask: [0, 127, 128, 255], blurredValue: 255), [false, false, true, true])
        XCTAssertEqual(EvaluationDataset.truth(mask: [0, 127, 128, 255], blurredValue: 0), [true, true, false, false])
    }

    func testBilinearUpsamplingWithHalfPixelCentres() {
        let map = FloatImage(width: 2, height: 1, pixels: [0, 1])
        let up = ProbabilityMapResampling.bilinear(map, width: 4, height: 1)
        // Output centres map to source x = -0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
        XCTAssertEqual(up.pixels, [0, 0.25, 0.75, 1])
    }

    func testDatasetPairsMatchByStem() throws {
        let root = try TemporaryDirectory.make("blurd-eval", for: self)
        let images = root.appendingPathComponent("images"), masks = root.appendingPathComponent("masks")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: masks, withIntermediateDirectories: true)
        for name in ["a.jpg", "b.png", "c.png", "notes.txt"] {
            FileManager.default.createFile(atPath: images.appendingPathComponent(name).path, contents: Data())
        }
        for name in ["a.png", "b.bmp", "d.pgm"] {
            FileManager.default.createFile(atPath: masks.appendingPathComponent(name).path, contents: Data())
        }
        let found = try EvaluationDataset.pairs(images: images.path, masks: masks.path)
        XCTAssertEqual(found.pairs.map(\.name), ["a", "b"])
        XCTAssertEqual(found.pairs.map { URL(fileURLWithPath: $0.maskPath).lastPathComponent }, ["a.png", "b.bmp"])
        XCTAssertEqual(found.unmatched, ["c", "d"])
    }

    func testEvaluatorUpsamplesAndPoolsPerMethod() throws {
        struct LeftHalfBlurred: BlurProbabilityMethod {
            let name = "left-half"
            func probabilities(_ luma: GrayImage) throws -> FloatImage {
                FloatImage(width: 2, height: 1, pixels: [1, 0])
            }
        }
        struct AllSharp: BlurProbabilityMethod {
            let name = "all-sharp"
            func probabilities(_ luma: GrayImage) throws -> FloatImage { FloatImage(width: 1, height: 1, fill: 0) }
        }
        // 8×2 image whose left 4 columns are blurred in truth.
        let truth = (0..<16).map { $0 % 8 < 4 }
        let results = try MethodEvaluator.evaluate(count: 2, methods: [LeftHalfBlurred(), AllSharp()]) { index in
            EvaluationItem(name: "\(index)", luma: GrayImage(width: 8, height: 2), truth: truth)
        }
        XCTAssertEqual(results.map(\.method), ["left-half", "all-sharp"])
        XCTAssertEqual(results[0].metrics.iou, 1, accuracy: 1e-12)
        XCTAssertEqual(results[0].metrics.pixels, 32)
        XCTAssertEqual(results[1].metrics.recall, 0)
        XCTAssertEqual(results[1].metrics.accuracy, 0.5, accuracy: 1e-12)
    }
}
