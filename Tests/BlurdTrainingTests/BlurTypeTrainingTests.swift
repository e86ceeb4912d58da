import XCTest
import BlurdCore
import BlurdSegmenter
@testable import BlurdTraining

/// Training the blur-type heads: their loss and its gradient, the start from a blur-only
/// model, and a tiny run that learns to tell a directional blur from a round one.
final class BlurTypeTrainingTests: XCTestCase {
    /// TrainingRunTests' tiny net with a context branch and the four type channels.
    static let tinyTypedSpec = NetworkSpec(name: "tiny-typed", inChannels: 1, layers: [
        .conv(8, s: 2),
        .conv(8, s: 2),
        .conv(8, d: 2, save: "deep"),
        .globalAveragePool(),
        .conv(8, k: 1, act: .none),
        .add(with: "deep", act: .relu, save: "features"),
        .conv(4, k: 1, act: .none, save: "type"),
        .conv(1, k: 1, act: .none, from: "features"),
        .concat(with: "type"),
    ], heads: NetworkSpec.blurSegV3.heads)

    /// 64 px noise texture; a disk blurred either along x (a 1×9 smear: motion at 0°) or by a
    /// round 5×5 box twice (defocus), marked in the mask and labelled.
    static func source(seed: UInt64) -> SampleStream.Source {
        var random = SynthesisRandom(seed: seed)
        return {
            let size = 64
            var texture = FloatImage(width: size, height: size)
            for i in texture.pixels.indices { texture.pixels[i] = random.unit() }
            let motion = random.chance(0.5)
            var blurred = texture
            if motion {
                for y in 0..<size {
                    for x in 0..<size {
                        var sum: Float = 0
                        for dx in -4...4 { sum += texture[min(size - 1, max(0, x + dx)), y] }
                        blurred[x, y] = sum / 9
                    }
                }
            } else {
                for _ in 0..<2 { blurred = TrainingRunTests.boxBlur(blurred, radius: 2) }
            }
            let cx = random.uniform(16...48), cy = random.uniform(16...48), r = random.uniform(12...24)
            var image = texture, mask = FloatImage(width: size, height: size)
            for y in 0..<size {
                for x in 0..<size where (Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy) < r * r {
                    image[x, y] = blurred[x, y]
                    mask[x, y] = 1
                }
            }
            let label = BlurTypeLabel(type: motion ? .motion : .defocus, angle: 0, angleWeight: motion ? 1 : 0)
            return TrainingSample(image: image, mask: mask, blurType: label)
        }
    }

    func testTypeLossGradientMatchesFiniteDifferences() throws {
        var random = SynthesisRandom(seed: 4)
        let n = 2, h = 3, w = 4, plane = h * w
        var output = Tensor(n: n, c: 5, h: h, w: w)
        for i in output.data.indices { output.data[i] = random.uniform(-2...2) }
        let samples = (0..<n).map { b in
            TrainingSample(image: FloatImage(width: 12, height: 12), mask: FloatImage(width: 12, height: 12),
                           blurType: BlurTypeLabel(type: b == 0 ? .motion : .defocus, angle: 0.7, angleWeight: b == 0 ? 0.8 : 0))
        }
        var batch = try TrainingBatch(samples: samples, cropSize: 12, outputSize: (h, w), normalization: InputNormalization(mean: 0, std: 1))
        // Soft blurred fractions and loss weights on the output grid.
        batch.target = Tensor(n: n, c: 1, h: h, w: w, data: (0..<(n * plane)).map { _ in random.chance(0.3) ? 0 : random.unit() })
        batch.weight = Tensor(n: n, c: 1, h: h, w: w, data: (0..<(n * plane)).map { _ in random.unit() })
        let layout = try XCTUnwrap(TypeHeadLayout(spec: .blurSegV3, channels: 5))
        let loss = BlurTypeLoss(typeWeight: 0.7, angleWeight: 0.9, confidenceWeight: 0.3)
        let evaluation = try loss.evaluate(output: output, layout: layout, batch: batch, segmentation: SegmentationLoss())
        XCTAssertGreaterThan(evaluation.typeCrossEntropy, 0)
        XCTAssertGreaterThan(evaluation.angleError, 0)
        let step: Float = 1e-2
        for i in output.data.indices {
            var plus = output, minus = output
            plus.data[i] += step
            minus.data[i] -= step
            let numeric = (try loss.evaluate(output: plus, layout: layout, batch: batch, segmentation: SegmentationLoss()).total
                - loss.evaluate(output: minus, layout: layout, batch: batch, segmentation: SegmentationLoss()).total) / (2 * step)
            XCTAssertEqual(evaluation.gradient.data[i], numeric, accuracy: 2e-3, "output entry \(i)")
        }
        // The defocus sample has no angle: its angle channels get no gradient.
        let sinOfSecond = (1 * 5 + 3) * plane
        XCTAssertTrue(evaluation.gradient.data[sinOfSecond..<(sinOfSecond + plane)].allSatisfy { $0 == 0 })
    }

    func testABlurOnlyModelStartsTheTypedNetWithItsOwnBlurMap() throws {
        var random = SynthesisRandom(seed: 8)
        let base = Network(spec: TrainingRunTests.tinySpec, seed: 3)
        for p in base.parameters where p.name.hasSuffix(".bias") { p.value = p.value.map { _ in random.uniform(-0.3...0.3) } }
        let model = ModelFile(network: base, inputMean: 0.5, inputStd: 0.3, metadata: [:])
        let typed = Network(spec: Self.tinyTypedSpec, seed: 1)
        let pairs = try WeightTransfer.apply(from: model, to: typed)
        XCTAssertEqual(pairs.map(\.source), [0, 1, 2, 3])
        XCTAssertEqual(pairs.map(\.target), [0, 1, 2, 7])
        var input = Tensor(n: 1, c: 1, h: 32, w: 40)
        for i in input.data.indices { input.data[i] = random.uniform(-1...1) }
        let expected = base.forward(input), output = typed.forward(input)
        XCTAssertEqual(output.c, 5)
        for i in 0..<expected.count { XCTAssertEqual(output.data[i], expected.data[i], accuracy: 1e-5) }
        // The new head's last conv starts at zero: P(motion) ½, no direction, before any training.
        XCTAssertTrue(output.data[expected.count...].allSatisfy { $0 == 0 })
    }

    func testATinyRunLearnsTheTypeAndTheDirection() throws {
        let configuration = TrainingConfiguration(spec: Self.tinyTypedSpec, photosDirectory: "unused", cropSize: 64, batchSize: 8,
                                                  schedule: LearningRateSchedule(peak: 1e-2, warmupIterations: 3),
                                                  iterations: 120, validationInterval: 120, validationSamples: 16,
                                                  checkpointMinutes: 60, seed: 7)
        let trainer = try Trainer(configuration: configuration)
        let result = try trainer.run(sources: { role, seed in Self.source(seed: role == .validation ? seed ^ 0xFFFF : seed) },
                                     checkpointPath: nil)
        XCTAssertEqual(result.iterations, 120)
        let validationSet = try ValidationSet(count: 16, batchSize: 8, cropSize: 64, outputSize: (16, 16),
                                              normalization: try XCTUnwrap(trainer.normalization), source: Self.source(seed: 99))
        let types = try XCTUnwrap(try validationSet.evaluateWithTypes(trainer.network).types)
        XCTAssertGreaterThan(types.blurredCells, 100)
        XCTAssertGreaterThan(types.typeAccuracy, 0.8, "type accuracy after 120 iterations")
        XCTAssertLessThan(try XCTUnwrap(types.medianAngleError), 20, "a horizontal smear's direction")
        XCTAssertTrue(result.checkpoint.model.metadata["type_validation"]?.contains("type accuracy") == true)
    }
}
