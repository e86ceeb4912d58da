import BlurdCore
import XCTest
import BlurdSegmenter
import BlurdTestSupport
@testable import BlurdTraining

/// The weight average (`--average-weights`): its arithmetic, and that a run validates, saves,
/// resumes and exports the average while it trains the raw weights.
final class WeightAverageTests: XCTestCase {
    let factory = TrainingRunTests.factory

    func testTheAverageRampsItsDecayAndFollowsTheWeights() {
        let parameter = Parameter(name: "w", shape: [2], value: [0, 4])
        var average = WeightAverage(decay: 0.9, parameters: [parameter])
        parameter.value = [1, 4]
        average.update(from: [parameter])
        // First update: d = min(0.9, 1/10) = 0.1, so the average moves 90 % of the way.
        XCTAssertEqual(average.values[0][0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(average.values[0][1], 4, accuracy: 1e-6, "a weight that does not move keeps its average")
        average.update(from: [parameter])
        // Second: d = 2/11.
        XCTAssertEqual(average.values[0][0], 0.9 * 2 / 11 + 9 / 11, accuracy: 1e-6)
        for _ in 0..<200 { average.update(from: [parameter]) }
        XCTAssertEqual(average.values[0][0], 1, accuracy: 1e-4)
        XCTAssertEqual(average.updates, 202)
    }

    func testARunExportsAndResumesTheAverageWhileTrainingTheRawWeights() throws {
        let path = try TemporaryDirectory.make("blurd-ema", for: self).appendingPathComponent("run.ckpt").path
        var configuration = TrainingRunTests.configuration(iterations: 30)
        configuration.weightAverageDecay = 0.95
        let trainer = try Trainer(configuration: configuration)
        let result = try trainer.run(sources: factory, checkpointPath: path)
        let average = try XCTUnwrap(trainer.weightAverage)
        XCTAssertEqual(average.updates, 30)
        XCTAssertNotEqual(average.values, trainer.network.parameters.map(\.value), "the average lags the raw weights")

        let saved = try TrainingCheckpoint.read(contentsOf: path)
        XCTAssertEqual(saved.averagedWeights, average.values)
        XCTAssertEqual(saved.model.tensors, result.checkpoint.model.tensors, "the model keeps the raw weights")
        let exported = try ModelExport.foldedModel(from: saved, metadata: [:])
        for (parameter, values) in zip(trainer.network.parameters, average.values) {
            XCTAssertEqual(exported.tensors[parameter.name], StoredTensor(f32: values, shape: parameter.shape), parameter.name)
        }
        XCTAssertTrue(exported.metadata["weight_average"]?.contains("decay 0.95, over 30 steps") == true,
                      "\(exported.metadata)")

        // The validation figure is the average's: scoring the exported weights gives it again.
        let validation = try XCTUnwrap(result.validation)
        let normalization = try XCTUnwrap(trainer.normalization)
        let validationSource = try factory(TrainingDataRole.validation,
                                           SeedMixing.mix(configuration.seed, SeedMixing.validationStream))
        let scored = try ValidationSet(count: configuration.validationSamples, batchSize: configuration.batchSize,
                                       cropSize: 64, outputSize: (16, 16), normalization: normalization,
                                       source: validationSource)
            .evaluate(try Network(model: exported))
        XCTAssertEqual(scored.iou, validation.iou, accuracy: 1e-9)

        let resumed = try Trainer(resuming: saved)
        XCTAssertEqual(resumed.weightAverage, average)
        XCTAssertThrowsError(try Trainer(resuming: TrainingCheckpoint(header: saved.header, model: saved.model,
                                                                      firstMoments: saved.firstMoments,
                                                                      secondMoments: saved.secondMoments))) { error in
            XCTAssertTrue("\(error)".contains("weight-average"), "\(error)")
        }
    }

    func testVersionOneCheckpointsWithoutAnAverageStillRead() throws {
        let trainer = try Trainer(configuration: TrainingRunTests.configuration(iterations: 2))
        _ = try trainer.run(sources: factory, checkpointPath: nil)
        let current = try trainer.makeCheckpoint().serialized()
        // Version 1 had no average section: drop its empty count (4 bytes) and the checksum.
        var body = Array(current.dropLast(12))
        body.replaceSubrange(8..<12, with: [1, 0, 0, 0])
        withUnsafeBytes(of: FNV1a.hash64(body).littleEndian) { body.append(contentsOf: $0) }
        let legacy = try TrainingCheckpoint(bytes: body)
        XCTAssertNil(legacy.averagedWeights)
        XCTAssertEqual(legacy.deployableModel.tensors, trainer.makeCheckpoint().model.tensors)
        XCTAssertEqual(try Trainer(resuming: legacy).iteration, 2)
    }

    func testTheDecayMustLieBetweenZeroAndOne() {
        for decay: Float in [0, 1, -0.5, .nan] {
            var configuration = TrainingRunTests.configuration(iterations: 1)
            configuration.weightAverageDecay = decay
            XCTAssertThrowsError(try Trainer(configuration: configuration), "decay \(decay)")
        }
    }
}
