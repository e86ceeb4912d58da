import BlurdCore
import BlurdMedia
import BlurdAnalysis
import BlurdSegmenter
import BlurdTestSupport
@testable import BlurdTraining
import Foundation
import XCTest

/// The robustness evaluation: Spearman ρ, ground truth at a map grid, the manifest, and a small
/// robustness set of clips encoded here with libx264, scored with the classic analyzer.
final class RobustnessTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory.make("blurd-robustness", for: self)
    }

    // MARK: Spearman

    func testSpearmanOfMonotoneReversedAndTiedData() throws {
        XCTAssertEqual(try XCTUnwrap(SpearmanCorrelation.rho([1, 2, 3, 4], [10, 20, 25, 400])), 1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(SpearmanCorrelation.rho([1, 2, 3, 4], [4, 3, 2, 1])), -1, accuracy: 1e-12)
        XCTAssertEqual(SpearmanCorrelation.ranks([5, 1, 5, 3]), [3.5, 1, 3.5, 2])
        // x = 1…5, y ranks 1, 2, 4, 3, 5: 1 − 6·2 / (5·24) = 0.9.
        XCTAssertEqual(try XCTUnwrap(SpearmanCorrelation.rho([1, 2, 3, 4, 5], [0.1, 0.2, 0.9, 0.5, 1])), 0.9, accuracy: 1e-12)
        XCTAssertNil(SpearmanCorrelation.rho([1, 2, 3], [7, 7, 7]))
        XCTAssertNil(SpearmanCorrelation.rho([1], [2]))
    }

    // MARK: ground truth at the map grid

    func testMaskGridTruthTakesTheMajorityOfEachCell() {
        // 8×4 mask, columns 0–4 blurred; a 4×2 grid has 2×2-pixel cells.
        var mask = GrayImage(width: 8, height: 4)
        for y in 0..<4 { for x in 0..<5 { mask[x, y] = 255 } }
        XCTAssertEqual(MaskGridTruth.cells(mask: mask, gridWidth: 4, gridHeight: 2),
                       [true, true, true, false, true, true, true, false])
        // Cell 2 covers columns 4–5, one of two blurred: half counts as blurred.
        XCTAssertEqual(MaskGridTruth.cells(mask: mask, gridWidth: 2, gridHeight: 1), [true, false])
    }

    // MARK: manifest

    func testManifestRejectsMissingFilesAndBadKinds() throws {
        let manifest = directory.appendingPathComponent(RobustnessManifest.fileName)
        try "name,kind,video,mask,sigmas\na,sharp,missing.mp4,,\n".write(to: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RobustnessManifest.read(directory: directory.path)) { error in
            XCTAssertTrue("\(error)".contains("missing.mp4"), "\(error)")
        }
        try Data().write(to: directory.appendingPathComponent("a.mp4"))
        try "name,kind,video,mask,sigmas\na,blurry,a.mp4,,\n".write(to: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RobustnessManifest.read(directory: directory.path)) { error in
            XCTAssertTrue("\(error)".contains("unknown kind 'blurry'"), "\(error)")
        }
        try "name,kind,video,mask,sigmas\na,region,a.mp4,,\n".write(to: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RobustnessManifest.read(directory: directory.path))
        try "frame,sigma\n0,0\n2,1\n".write(to: directory.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        try "name,kind,video,mask,sigmas\na,focus,a.mp4,,s.csv\n".write(to: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RobustnessManifest.read(directory: directory.path)) { error in
            XCTAssertTrue("\(error)".contains("s.csv row 3"), "\(error)")
        }
    }

    // MARK: a small robustness set, end to end

    private static let width = 192, height = 112, frames = 6

    /// Random 6-px blocks, shifted by `shift` px (a pan).
    private static func scene(shift: Int) -> GrayImage {
        var image = GrayImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                var hash = UInt64((x + shift) / 6) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(y / 6) &* 0xBF58_476D_1CE4_E5B9
                hash ^= hash >> 29
                hash = hash &* 0x94D0_49BB_1331_11EB
                image[x, y] = UInt8(30 + Int((hash >> 40) % 190))
            }
        }
        return image
    }

    private func encode(_ name: String, _ frame: (Int) -> GrayImage) throws -> String {
        var options = VideoWriterOptions(path: directory.appendingPathComponent(name).path, width: Self.width, height: Self.height)
        options.crf = 12
        try ClipEncoder.encode(options, frames: Self.frames, frame: frame)
        return name
    }

    func testEvaluatorScoresEachKindOfCase() throws {
        let sigmas = (0..<Self.frames).map { Double($0) }
        var mask = GrayImage(width: Self.width, height: Self.height)
        for y in 0..<Self.height { for x in (Self.width / 2)..<Self.width { mask[x, y] = 255 } }
        try ImageFile.writePNG(mask, to: directory.appendingPathComponent("half.png").path)
        let schedule = "frame,sigma\n" + sigmas.enumerated().map { "\($0),\($1)" }.joined(separator: "\n") + "\n"
        try schedule.write(to: directory.appendingPathComponent("pull.csv"), atomically: true, encoding: .utf8)
        let rows = [
            "sharp,sharp,\(try encode("sharp.mp4") { Self.scene(shift: 2 * $0) }),,",
            "region,region,\(try encode("region.mp4") { GaussianBlur.apply(Self.scene(shift: 2 * $0), sigma: 3, fromX: Self.width / 2) }),half.png,",
            "flat,flat,\(try encode("flat.mp4") { _ in GrayImage(width: Self.width, height: Self.height, pixels: [UInt8](repeating: 77, count: Self.width * Self.height)) }),,",
            "pull,focus,\(try encode("pull.mp4") { GaussianBlur.apply(Self.scene(shift: 0), sigma: sigmas[$0]) }),,pull.csv",
        ]
        try (["name,kind,video,mask,sigmas"] + rows).joined(separator: "\n")
            .write(to: directory.appendingPathComponent(RobustnessManifest.fileName), atomically: true, encoding: .utf8)

        let cases = try RobustnessManifest.read(directory: directory.path)
        XCTAssertEqual(cases.map(\.kind), [.sharp, .region, .flat, .focus])
        XCTAssertEqual(cases[3].sigmas, sigmas)
        let results = try RobustnessEvaluator.evaluate(
            cases: cases, methods: [RobustnessMethod(name: "classic") { ClassicAnalyzer() }], analysisLongSide: Self.width)
        XCTAssertEqual(results.map(\.frames), [Self.frames, Self.frames, Self.frames, Self.frames])

        let sharp = results[0], region = results[1], flat = results[2], pull = results[3]
        XCTAssertEqual(sharp.noTextureFrames, 0)
        XCTAssertLessThanOrEqual(try XCTUnwrap(sharp.meanBlurredFraction), 0.05)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sharp.meanScore), 0.8)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(region.regionIoU), 0.7)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(region.texturedRegionIoU), 0.7)
        XCTAssertNil(sharp.texturedRegionIoU)
        XCTAssertNil(sharp.regionIoU)
        XCTAssertEqual(flat.noTextureRate, 1)
        XCTAssertNil(flat.meanScore)
        // The classic score saturates past σ ≈ 1.5 px, so its ranking of the last frames is loose.
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(pull.focusSpearman), 0.75)

        // Checkpoint selection reads the same set, keeps the sharp and region cases, and ranks
        // the built-in model above one whose output is a constant "blurred".
        let selection = try CheckpointSelection(directory: directory.path, analysisLongSide: Self.width)
        XCTAssertEqual(selection.cases.map(\.name), ["sharp", "region"])
        let good = try selection.score(try DefaultModel.load())
        var constant = try DefaultModel.load()
        for (name, tensor) in constant.tensors where tensor.dtype == .f32 {
            constant.tensors[name] = StoredTensor(f32: tensor.f32.map { _ in 0 }, shape: tensor.shape)
        }
        let lastBias = try XCTUnwrap(constant.tensors.keys.filter { $0.hasSuffix(".bias") }
            .max { Int($0.split(separator: ".")[1])! < Int($1.split(separator: ".")[1])! })
        constant.tensors[lastBias] = StoredTensor(f32: [5], shape: constant.tensors[lastBias]!.shape)
        let bad = try selection.score(constant)
        XCTAssertLessThan(good.sharpBlurredFraction, 0.05)
        XCTAssertGreaterThan(bad.sharpBlurredFraction, 0.95)
        XCTAssertGreaterThan(good.value, bad.value + 0.3, "good \(good), bad \(bad)")

        let report = RobustnessReport(set: directory.path, methods: ["classic"], results: results)
        XCTAssertEqual(report.targets[0].sharpNoTextureFrames, 0)
        XCTAssertEqual(report.targets[0].worstNoTextureRate, 1)
        XCTAssertEqual(report.targets[0].sharpCases, 1)
        XCTAssertEqual(report.targets[0].sharpCasesMeetingBlurredFraction, 1)
        XCTAssertEqual(report.targets[0].regionCasesMeetingIoU, 1)
        XCTAssertEqual(try XCTUnwrap(report.targets[0].meanRegionIoU), try XCTUnwrap(region.texturedRegionIoU), accuracy: 1e-12)
        XCTAssertTrue(report.table.contains("| sharp |"), report.table)
        XCTAssertTrue(report.table.contains("| classic | 1 / 1 | "), report.table)

        // Counting: of two region cases, one under the target, one meets it; the mean is of both.
        var weak = region
        weak.texturedRegionIoU = 0.5
        weak.name = "weak"
        let counted = RobustnessTargets(method: "classic", results: [sharp, region, weak])
        XCTAssertEqual(counted.regionCases, 2)
        XCTAssertEqual(counted.regionCasesMeetingIoU, 1)
        XCTAssertEqual(try XCTUnwrap(counted.meanRegionIoU), (try XCTUnwrap(region.texturedRegionIoU) + 0.5) / 2, accuracy: 1e-12)
        let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        XCTAssertEqual((json?["results"] as? [[String: Any]])?.count, 4)
    }
}
