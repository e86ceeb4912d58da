import XCTest
import BlurdCore
import BlurdSegmenter
import BlurdTestSupport
@testable import BlurdTraining

/// End-to-end runs of the trainer on a tiny net and simple synthetic data: sharp random texture
/// with a box-blurred disk, so no photographs are needed.
final class TrainingRunTests: XCTestCase {
    static let tinySpec = NetworkSpec(name: "tiny", inChannels: 1, layers: [
        .conv(8, s: 2),
        .conv(8, s: 2),
        .conv(8, d: 2),
        .conv(1, k: 1, act: .none),
    ])

    /// 64 px crops: uniform noise texture; a disk of random centre and radius is box-blurred
    /// (5×5, twice) and marked blurred in the mask.
    static func source(seed: UInt64) -> SampleStream.Source {
        var random = SynthesisRandom(seed: seed)
        return {
            let size = 64
            var texture = FloatImage(width: size, height: size)
            for i in texture.pixels.indices { texture.pixels[i] = random.unit() }
            var blurred = texture
            for _ in 0..<2 { blurred = boxBlur(blurred, radius: 2) }
            let cx = random.uniform(8...56), cy = random.uniform(8...56), r = random.uniform(10...24)
            var image = texture, mask = FloatImage(width: size, height: size)
            for y in 0..<size {
                for x in 0..<size where (Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy) < r * r {
                    image[x, y] = blurred[x, y]
                    mask[x, y] = 1
                }
            }
            return TrainingSample(image: image, mask: mask)
        }
    }

    static func boxBlur(_ image: FloatImage, radius: Int) -> FloatImage {
        var output = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                var sum: Float = 0, count: Float = 0
                for dy in -radius...radius {
                    for dx in -radius...radius {
                        let sx = x + dx, sy = y + dy
                        if sx >= 0, sx < image.width, sy >= 0, sy < image.height {
                            sum += image[sx, sy]
                            count += 1
                        }
                    }
                }
                output[x, y] = sum / count
            }
        }
        return output
    }

    static func configuration(iterations: Int) -> TrainingConfiguration {
        TrainingConfiguration(spec: tinySpec, photosDirectory: "unused", cropSize: 64, batchSize: 8,
                              schedule: LearningRateSchedule(peak: 1e-2, warmupIterations: 3),
                              iterations: iterations, validationInterval: 10, validationSamples: 16,
                              checkpointMinutes: 60, seed: 7)
    }

    static var factory: Trainer.SourceFactory {
        { role, seed in TrainingRunTests.source(seed: role == .validation ? seed ^ 0xFFFF : seed) }
    }

    func testATinyRunLowersTheLossAndLearnsTheMask() throws {
        let trainer = try Trainer(configuration: Self.configuration(iterations: 60))
        let before = trainer.makeCheckpoint()
        let result = try trainer.run(sources: Self.factory, checkpointPath: nil)
        XCTAssertEqual(result.iterations, 60)
        XCTAssertEqual(result.lossHistory.count, 60)
        let first = result.lossHistory.prefix(5).reduce(0, +) / 5
        let last = result.lossHistory.suffix(5).reduce(0, +) / 5
        XCTAssertLessThan(last, 0.75 * first, "loss \(first) → \(last)")
        let validation = try XCTUnwrap(result.validation)
        XCTAssertGreaterThan(validation.iou, 0.6, "validation IoU after 60 iterations")
        XCTAssertNotEqual(before.model.tensors, result.checkpoint.model.tensors)
    }

    func testCheckpointRoundTripsAndResumeContinuesTheRun() throws {
        let path = try TemporaryDirectory.make("blurd-ckpt", for: self).appendingPathComponent("run.ckpt").path
        let trainer = try Trainer(configuration: Self.configuration(iterations: 4), metadata: ["command": "test"])
        _ = try trainer.run(sources: Self.factory, checkpointPath: path)

        let saved = try TrainingCheckpoint.read(contentsOf: path)
        XCTAssertEqual(saved.header.iteration, 4)
        XCTAssertEqual(saved.header.adamStep, 4)
        XCTAssertEqual(saved.header.validationIteration, 4)
        XCTAssertTrue(saved.model.metadata["validation"]?.contains("at iteration 4") == true)
        XCTAssertEqual(saved.header.configuration, Self.configuration(iterations: 4))
        XCTAssertEqual(saved.model.metadata["command"], "test")
        XCTAssertEqual(saved.model.metadata["iterations"], "4")
        XCTAssertEqual(saved.model.tensors, trainer.makeCheckpoint().model.tensors)
        XCTAssertEqual(saved.firstMoments, trainer.makeCheckpoint().firstMoments)

        let resumed = try Trainer(resuming: saved)
        XCTAssertEqual(resumed.iteration, 4)
        XCTAssertEqual(resumed.normalization, trainer.normalization)
        let weights = resumed.network.parameters.map(\.value)
        XCTAssertEqual(weights, trainer.network.parameters.map(\.value))
        // The budget is spent: resuming runs no step and leaves the weights as they were.
        let again = try resumed.run(sources: Self.factory, checkpointPath: nil)
        XCTAssertEqual(again.iterations, 4)
        XCTAssertTrue(again.lossHistory.isEmpty)
        XCTAssertEqual(resumed.network.parameters.map(\.value), weights)
    }

    func testFineTuningStartsFromTheGivenModelAndRecordsItAndItsRecipe() throws {
        let base = try Trainer(configuration: Self.configuration(iterations: 10))
        let model = try base.run(sources: Self.factory, checkpointPath: nil).checkpoint.model
        var configuration = Self.configuration(iterations: 5)
        configuration.initialModel = "base (test)"
        configuration.synthesis.hazeProbability = 0.5
        let tuned = try Trainer(configuration: configuration, initialModel: model)
        XCTAssertEqual(tuned.network.parameters.map(\.value), base.network.parameters.map(\.value))
        XCTAssertEqual(tuned.normalization, base.normalization)
        XCTAssertEqual(tuned.iteration, 0)
        let result = try tuned.run(sources: Self.factory, checkpointPath: nil)
        XCTAssertEqual(result.iterations, 5)
        XCTAssertNotEqual(result.checkpoint.model.tensors, model.tensors)
        XCTAssertEqual(result.checkpoint.model.metadata["initialized_from"], "base (test)")
        XCTAssertEqual(result.checkpoint.model.metadata["synthesis_overrides"], #"{"hazeProbability":0.5}"#)
        XCTAssertEqual(result.checkpoint.header.configuration.synthesis.hazeProbability, 0.5)

        var other = Self.configuration(iterations: 5)
        other.spec = NetworkSpec(name: "other", inChannels: 1, layers: [.conv(4, s: 4), .conv(1, k: 1, act: .none)])
        XCTAssertThrowsError(try Trainer(configuration: other, initialModel: model)) { error in
            XCTAssertTrue("\(error)".contains("architecture"), "\(error)")
        }
    }

    func testTheSelectorKeepsTheBestScoredCheckpointAndResumeRemembersIt() throws {
        let directory = try TemporaryDirectory.make("blurd-select", for: self)
        let best = directory.appendingPathComponent("best.ckpt").path
        // A made-up score that peaks at iteration 10 of 0, 5, …, 20.
        var scored: [Int] = []
        var trainer = try Trainer(configuration: Self.configuration(iterations: 20))
        let selector = CheckpointSelector(interval: 5, bestPath: best) { model in
            let at = Int(model.metadata["iterations"]!)!
            scored.append(at)
            return SelectionScore(regionIoU: 1 - abs(Double(at) - 10) / 20, sharpBlurredFraction: 0.1)
        }
        let result = try trainer.run(sources: Self.factory, checkpointPath: nil, selector: selector)
        XCTAssertEqual(scored, [5, 10, 15, 20], "a run from scratch is not scored before its first step")
        XCTAssertEqual(trainer.bestSelectionIteration, 10)
        let saved = try TrainingCheckpoint.read(contentsOf: best)
        XCTAssertEqual(saved.header.iteration, 10)
        XCTAssertEqual(saved.header.bestSelectionIteration, 10)
        XCTAssertEqual(saved.header.bestSelection?.value ?? 0, 0.9, accuracy: 1e-12)
        XCTAssertTrue(saved.model.metadata["selection"]?.contains("best at iteration 10") == true)
        XCTAssertEqual(result.checkpoint.header.bestSelectionIteration, 10)

        // A fine-tune is scored before its first step too, and a stop off the grid at the end.
        var configuration = Self.configuration(iterations: 7)
        configuration.initialModel = "test"
        trainer = try Trainer(configuration: configuration, initialModel: result.checkpoint.model)
        scored = []
        _ = try trainer.run(sources: Self.factory, checkpointPath: nil, selector: selector)
        XCTAssertEqual(scored, [0, 5, 7])
        XCTAssertEqual(try Trainer(resuming: trainer.makeCheckpoint()).bestSelectionIteration, trainer.bestSelectionIteration)
    }

    func testCheckpointsWrittenBeforeTheRecipeWasStoredStillResume() throws {
        let configuration = Self.configuration(iterations: 3)
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as! [String: Any]
        XCTAssertNotNil(object.removeValue(forKey: "synthesis"))
        let legacy = try JSONDecoder().decode(TrainingConfiguration.self,
                                              from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(legacy, configuration)
        XCTAssertEqual(legacy.synthesis.cropSize, 64)
        XCTAssertNil(legacy.initialModel)
    }

    func testExportKeepsTheWeightsAndAddsAnAgreeingInt8Form() throws {
        let trainer = try Trainer(configuration: Self.configuration(iterations: 20), metadata: ["command": "test"])
        let result = try trainer.run(sources: Self.factory, checkpointPath: nil)
        var model = try ModelExport.foldedModel(from: result.checkpoint, metadata: ["export_command": "export test"])
        XCTAssertEqual(model.tensors, result.checkpoint.model.tensors)
        XCTAssertEqual(model.metadata["command"], "test")
        XCTAssertEqual(model.metadata["export_command"], "export test")
        XCTAssertEqual(model.metadata["iterations"], "20")
        let source = Self.source(seed: 99)
        let frames = (0..<4).map { _ in source().image.toGray() }
        let agreement = try ModelExport.addInt8(to: &model, calibration: frames)
        XCTAssertGreaterThan(agreement, 0.9)
        XCTAssertTrue(model.tensors.values.contains { $0.dtype == .i8 })
        let reread = try ModelFile(bytes: model.serialized())
        XCTAssertEqual(reread.tensors, model.tensors)
    }

    func testCorruptOrTruncatedCheckpointsAreRejected() throws {
        let trainer = try Trainer(configuration: Self.configuration(iterations: 1))
        var bytes = try trainer.makeCheckpoint().serialized()
        XCTAssertNoThrow(try TrainingCheckpoint(bytes: bytes))
        XCTAssertThrowsError(try TrainingCheckpoint(bytes: Array(bytes.dropLast(100))))
        bytes[bytes.count / 2] ^= 0x40
        XCTAssertThrowsError(try TrainingCheckpoint(bytes: bytes)) { error in
            XCTAssertTrue("\(error)".contains("checksum"), "\(error)")
        }
        XCTAssertThrowsError(try TrainingCheckpoint(bytes: Array("not a checkpoint at all".utf8)))
    }

    func testStopRequestEndsTheRunWithACheckpoint() throws {
        let trainer = try Trainer(configuration: Self.configuration(iterations: 1000))
        let stop = StopRequest()
        stop.request()
        let result = try trainer.run(sources: Self.factory, checkpointPath: nil, stop: stop)
        XCTAssertTrue(result.interrupted)
        XCTAssertEqual(result.iterations, 0)
        XCTAssertEqual(result.checkpoint.header.iteration, 0)
    }

    func testConfigurationRejectsCropsOffTheOutputGrid() {
        var configuration = Self.configuration(iterations: 1)
        configuration.cropSize = 66
        XCTAssertThrowsError(try Trainer(configuration: configuration))
        configuration.cropSize = 64
        configuration.iterations = nil
        XCTAssertThrowsError(try Trainer(configuration: configuration))
    }
}
