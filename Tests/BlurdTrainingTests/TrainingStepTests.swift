import XCTest
import BlurdCore
import BlurdSegmenter
@testable import BlurdTraining

/// The pieces of one training step: optimizer, schedule, loss, targets, clipping.
final class TrainingStepTests: XCTestCase {
    /// f(θ) = θ², ∇ = 2θ, from θ = 1 at lr 0.1; reference values worked out with the Adam
    /// formulas in double precision.
    func testAdamMatchesHandComputedStepsOnAQuadratic() throws {
        let parameter = Parameter(name: "theta", shape: [1], value: [1])
        let adam = AdamOptimizer(parameterCounts: [1])
        var trajectory: [Float] = []
        for _ in 0..<3 {
            parameter.grad = [2 * parameter.value[0]]
            try adam.update([parameter], learningRate: 0.1)
            trajectory.append(parameter.value[0])
        }
        // Step 1 moves by exactly lr (m̂/√v̂ = g/|g|); then 0.80041223, 0.70158627.
        XCTAssertEqual(trajectory[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(trajectory[1], 0.80041223, accuracy: 1e-6)
        XCTAssertEqual(trajectory[2], 0.70158627, accuracy: 1e-6)
        XCTAssertEqual(adam.step, 3)
        XCTAssertEqual(adam.firstMoments[0][0], 0.9 * (0.9 * 0.2 + 0.1 * 1.8) + 0.1 * 2 * trajectory[1], accuracy: 1e-6)
    }

    func testAdamRejectsParametersItWasNotMadeFor() {
        let adam = AdamOptimizer(parameterCounts: [2])
        XCTAssertThrowsError(try adam.update([Parameter(name: "p", shape: [3], value: [0, 0, 0])], learningRate: 0.1))
    }

    func testScheduleWarmsUpThenDecaysToItsFloor() {
        let schedule = LearningRateSchedule(peak: 1e-3, warmupIterations: 10, floorFraction: 0.1)
        XCTAssertEqual(schedule.rate(iteration: 0, progress: 0), 1e-4, accuracy: 1e-9)
        XCTAssertEqual(schedule.rate(iteration: 9, progress: 0), 1e-3, accuracy: 1e-9)
        XCTAssertEqual(schedule.rate(iteration: 10, progress: 0), 1e-3, accuracy: 1e-9)
        // Half way through the cosine: floor + (1 − floor)·½.
        XCTAssertEqual(schedule.rate(iteration: 500, progress: 0.5), 1e-3 * 0.55, accuracy: 1e-9)
        XCTAssertEqual(schedule.rate(iteration: 1000, progress: 1), 1e-4, accuracy: 1e-9)
    }

    func testLossValueOnKnownLogits() throws {
        let logits = Tensor(n: 1, c: 1, h: 1, w: 2, data: [0, 0])
        let target = Tensor(n: 1, c: 1, h: 1, w: 2, data: [1, 0])
        let loss = try SegmentationLoss(diceWeight: 1, diceSmoothing: 1).evaluate(logits: logits, target: target)
        // BCE at p = ½ is ln 2; Dice = 1 − (2·½ + 1) / (1 + 1 + 1) = 1/3.
        XCTAssertEqual(loss.binaryCrossEntropy, Float(log(2.0)), accuracy: 1e-6)
        XCTAssertEqual(loss.dice, 1.0 / 3, accuracy: 1e-6)
        XCTAssertEqual(loss.total, Float(log(2.0)) + 1.0 / 3, accuracy: 1e-6)
    }

    func testLossGradientMatchesFiniteDifferences() throws {
        let loss = SegmentationLoss(diceWeight: 0.7, diceSmoothing: 1)
        let logits = Tensor(n: 2, c: 1, h: 2, w: 2, data: [-2, -0.5, 0.3, 1.7, 0.9, -1.2, 2.5, 0.1])
        let target = Tensor(n: 2, c: 1, h: 2, w: 2, data: [0, 0.25, 1, 1, 0.5, 0, 1, 0])
        let analytic = try loss.evaluate(logits: logits, target: target).gradient
        let h: Float = 1e-2
        for i in 0..<logits.data.count {
            var plus = logits, minus = logits
            plus.data[i] += h
            minus.data[i] -= h
            let numeric = (try loss.evaluate(logits: plus, target: target).total
                - loss.evaluate(logits: minus, target: target).total) / (2 * h)
            XCTAssertEqual(analytic.data[i], numeric, accuracy: 2e-3, "logit \(i)")
        }
    }

    func testWeightedLossGradientMatchesFiniteDifferencesAndIgnoresZeroWeightCells() throws {
        let loss = SegmentationLoss(diceWeight: 0.7, diceSmoothing: 1)
        let logits = Tensor(n: 1, c: 1, h: 2, w: 3, data: [-2, -0.5, 0.3, 1.7, 0.9, -1.2])
        let target = Tensor(n: 1, c: 1, h: 2, w: 3, data: [0, 1, 1, 1, 0.5, 0])
        let weight = Tensor(n: 1, c: 1, h: 2, w: 3, data: [1, 0, 0.5, 1, 0, 1])
        let evaluation = try loss.evaluate(logits: logits, target: target, weight: weight)
        let h: Float = 1e-2
        for i in 0..<logits.data.count {
            var plus = logits, minus = logits
            plus.data[i] += h
            minus.data[i] -= h
            let numeric = (try loss.evaluate(logits: plus, target: target, weight: weight).total
                - loss.evaluate(logits: minus, target: target, weight: weight).total) / (2 * h)
            XCTAssertEqual(evaluation.gradient.data[i], numeric, accuracy: 2e-3, "logit \(i)")
        }
        XCTAssertEqual(evaluation.gradient.data[1], 0)
        XCTAssertEqual(evaluation.gradient.data[4], 0)
        // Whatever the net says on a weight-0 cell, the loss does not move.
        var flipped = logits
        flipped.data[1] = -9
        flipped.data[4] = 9
        XCTAssertEqual(try loss.evaluate(logits: flipped, target: target, weight: weight).total, evaluation.total, accuracy: 1e-6)
        // All weights 1 is the unweighted loss.
        let ones = Tensor(n: 1, c: 1, h: 2, w: 3, data: [Float](repeating: 1, count: 6))
        XCTAssertEqual(try loss.evaluate(logits: logits, target: target, weight: ones).total,
                       try loss.evaluate(logits: logits, target: target).total, accuracy: 1e-6)
    }

    func testLossRejectsShapeMismatch() {
        XCTAssertThrowsError(try SegmentationLoss().evaluate(logits: Tensor(n: 1, c: 1, h: 2, w: 2),
                                                             target: Tensor(n: 1, c: 1, h: 1, w: 1)))
    }

    func testMaskAreaAverageOnWholeAndFractionalCells() {
        // 4×4 with the left column and the top-left 2×2 block blurred.
        let mask = FloatImage(width: 4, height: 4, pixels: [1, 1, 0, 0,
                                                            1, 1, 0, 0,
                                                            1, 0, 0, 0,
                                                            1, 0, 0, 1])
        XCTAssertEqual(MaskDownsampling.areaAverage(mask, width: 2, height: 2).pixels, [1, 0, 0.5, 0.25])
        // 3 → 2 columns: each output cell covers 1.5 pixels.
        let row = FloatImage(width: 3, height: 1, pixels: [1, 0, 1])
        let coarse = MaskDownsampling.areaAverage(row, width: 2, height: 1)
        XCTAssertEqual(coarse.pixels[0], 1 / 1.5, accuracy: 1e-6)
        XCTAssertEqual(coarse.pixels[1], 1 / 1.5, accuracy: 1e-6)
    }

    func testGradientClippingScalesToTheNorm() {
        let a = Parameter(name: "a", shape: [2], value: [0, 0])
        let b = Parameter(name: "b", shape: [1], value: [0])
        a.grad = [3, 0]
        b.grad = [4]
        XCTAssertEqual(GradientClipping.clip([a, b], maxNorm: 1), 5, accuracy: 1e-6)
        XCTAssertEqual(a.grad[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(b.grad[0], 0.8, accuracy: 1e-6)
        XCTAssertEqual(GradientClipping.clip([a, b], maxNorm: 10), 1, accuracy: 1e-6)
        XCTAssertEqual(b.grad[0], 0.8, accuracy: 1e-6)
    }

    func testBatchNormalisesAndCropsAndAveragesTheMask() throws {
        var image = FloatImage(width: 10, height: 8, fill: 0.5)
        image[0, 0] = 1
        var mask = FloatImage(width: 10, height: 8)
        for y in 0..<4 { for x in 0..<4 { mask[x, y] = 1 } }
        let batch = try TrainingBatch(samples: [TrainingSample(image: image, mask: mask)], cropSize: 8,
                                      outputSize: (height: 2, width: 2),
                                      normalization: InputNormalization(mean: 0.5, std: 0.25))
        XCTAssertEqual(batch.input.data[0], 2)
        XCTAssertEqual(batch.input.data[1], 0)
        XCTAssertEqual(batch.target.data, [1, 0, 0, 0])
        XCTAssertEqual(batch.weight.data, [1, 1, 1, 1])
        var weight = FloatImage(width: 10, height: 8, fill: 1)
        for y in 0..<4 { for x in 0..<2 { weight[x, y] = 0 } }
        let weighted = try TrainingBatch(samples: [TrainingSample(image: image, mask: mask, weight: weight)], cropSize: 8,
                                         outputSize: (height: 2, width: 2),
                                         normalization: InputNormalization(mean: 0.5, std: 0.25))
        XCTAssertEqual(weighted.weight.data, [0.5, 1, 1, 1])
        XCTAssertThrowsError(try TrainingBatch(samples: [TrainingSample(image: image, mask: mask)], cropSize: 16,
                                               outputSize: (height: 4, width: 4),
                                               normalization: InputNormalization(mean: 0, std: 1)))
    }

    func testSampleStreamDeliversEverySampleOfOneWorkerInOrder() {
        var counter: Float = 0
        let stream = SampleStream(sources: [{
            counter += 1
            return TrainingSample(image: FloatImage(width: 1, height: 1, fill: counter), mask: FloatImage(width: 1, height: 1))
        }], capacity: 2)
        let values = (0..<5).map { _ in stream.next().image.pixels[0] }
        stream.stop()
        XCTAssertEqual(values, [1, 2, 3, 4, 5])
    }
}
