import BlurdCore
import BlurdMedia
import BlurdTestSupport
@testable import BlurdTraining
import Foundation
import XCTest

final class SynthesisSamplerTests: XCTestCase {
    /// Photo-like test images: random rectangles of random grey over fine texture.
    private func photo(seed: UInt64, width: Int = 320, height: Int = 240) -> GrayImage {
        var rng = SynthesisRandom(seed: seed)
        var image = GrayImage(width: width, height: height)
        var base = [Int](repeating: 128, count: width * height)
        for _ in 0..<12 {
            let x0 = rng.integer(0...(width - 20)), y0 = rng.integer(0...(height - 20))
            let w = rng.integer(10...120), h = rng.integer(10...120), level = rng.integer(20...230)
            for y in y0..<min(height, y0 + h) { for x in x0..<min(width, x0 + w) { base[y * width + x] = level } }
        }
        for i in base.indices { image.pixels[i] = UInt8(max(0, min(255, base[i] + rng.integer(-25...25)))) }
        return image
    }

    private func library() throws -> PhotoLibrary {
        try PhotoLibrary(images: (0..<3).map { (name: "test\($0)", image: photo(seed: UInt64($0) + 1)) })
    }

    private func smallConfig() -> SynthesisConfig {
        var config = SynthesisConfig()
        config.cropSize = 64
        return config
    }

    func testDefaultConfigurationIsValidAndSizesAreRight() throws {
        try SynthesisConfig().validate()
        let config = smallConfig()
        try config.validate()
        let synthesizer = SampleSynthesizer(library: try library(), config: config, seed: 1)
        for _ in 0..<12 {
            let sample = synthesizer.next()
            XCTAssertEqual(sample.image.width, 64); XCTAssertEqual(sample.image.height, 64)
            XCTAssertEqual(sample.mask.width, 64); XCTAssertEqual(sample.mask.height, 64)
            XCTAssertTrue(sample.mask.pixels.allSatisfy { $0 == 0 || $0 == 1 }, "mask is not binary")
            XCTAssertTrue(sample.image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 }, "luma outside [0, 1]")
        }
        XCTAssertEqual(synthesizer.recompressionFailures, 0)
    }

    func testInvalidConfigurationsAreRejected() {
        var tooSmallGrid = SynthesisConfig()
        tooSmallGrid.diskRadius = 3...20
        XCTAssertThrowsError(try tooSmallGrid.validate())
        var noMargin = SynthesisConfig()
        noMargin.blurThresholdSigma = 0.5
        XCTAssertThrowsError(try noMargin.validate())
    }

    func testTheSameSeedGivesTheSameSamples() throws {
        let lib = try library()
        let a = SampleSynthesizer(library: lib, config: smallConfig(), seed: 42)
        let b = SampleSynthesizer(library: lib, config: smallConfig(), seed: 42)
        let c = SampleSynthesizer(library: lib, config: smallConfig(), seed: 43)
        var differs = false
        for _ in 0..<8 {
            let sa = a.next(), sb = b.next(), sc = c.next()
            XCTAssertEqual(sa.image, sb.image)
            XCTAssertEqual(sa.mask, sb.mask)
            if sa.image != sc.image { differs = true }
        }
        XCTAssertTrue(differs, "another seed gave the same samples")
    }

    func testCompositionWeightsDecideTheMasks() throws {
        let lib = try library()
        var sharpOnly = smallConfig()
        sharpOnly.blurredBackgroundWeight = 0; sharpOnly.blurredObjectWeight = 0; sharpOnly.wholeFrameWeight = 0
        let sharp = SampleSynthesizer(library: lib, config: sharpOnly, seed: 5)
        for _ in 0..<4 { XCTAssertEqual(sharp.next().mask.pixels.reduce(0, +), 0) }

        var wholeOnly = smallConfig()
        wholeOnly.blurredBackgroundWeight = 0; wholeOnly.blurredObjectWeight = 0; wholeOnly.allSharpWeight = 0
        let whole = SampleSynthesizer(library: lib, config: wholeOnly, seed: 5)
        for _ in 0..<4 {
            XCTAssertEqual(whole.next().mask.pixels.reduce(0, +), 64 * 64)
            XCTAssertGreaterThanOrEqual(whole.lastRecipe?.kernelSigma ?? 0, wholeOnly.blurThresholdSigma)
        }

        var layered = smallConfig()
        layered.wholeFrameWeight = 0; layered.allSharpWeight = 0
        let mixed = SampleSynthesizer(library: lib, config: layered, seed: 5)
        var partial = 0
        for _ in 0..<10 {
            let blurred = mixed.next().mask.pixels.reduce(0, +)
            if blurred > 0 && blurred < 64 * 64 { partial += 1 }
        }
        XCTAssertGreaterThanOrEqual(partial, 7, "layered samples should mostly mix sharp and blurred pixels")
    }

    func testBlurredPixelsLoseDetailAndSharpOnesKeepIt() throws {
        // Without noise or codecs, the fine detail of pixels marked blurred must be far below
        // that of pixels marked sharp: the mask says what happened to the content.
        var clean = smallConfig()
        clean.cropSize = 96
        clean.noiseProbability = 0; clean.darkProbability = 0; clean.recompressProbability = 0
        clean.deinterlaceProbability = 0
        clean.wholeFrameWeight = 0; clean.allSharpWeight = 0
        let synthesizer = SampleSynthesizer(library: try library(), config: clean, seed: 9)
        var sharpEnergy: Float = 0, sharpCount: Float = 0, blurEnergy: Float = 0, blurCount: Float = 0
        for _ in 0..<16 {
            let s = synthesizer.next()
            for y in 1..<(s.image.height - 1) {
                for x in 1..<(s.image.width - 1) {
                    let lap = 4 * s.image[x, y] - s.image[x - 1, y] - s.image[x + 1, y] - s.image[x, y - 1] - s.image[x, y + 1]
                    if s.mask[x, y] == 1 { blurEnergy += lap * lap; blurCount += 1 } else { sharpEnergy += lap * lap; sharpCount += 1 }
                }
            }
        }
        XCTAssertGreaterThan(blurCount, 1000); XCTAssertGreaterThan(sharpCount, 1000)
        XCTAssertGreaterThan(sharpEnergy / sharpCount, 4 * blurEnergy / blurCount)
    }

    func testPhotoLibraryReadsItsSplitLists() throws {
        let directory = try TemporaryDirectory.make("synth", for: self).path
        XCTAssertThrowsError(try PhotoLibrary(directory: directory, split: .train)) { error in
            XCTAssertEqual(error as? SynthesisError, .missingSplitList(directory + "/train-list.txt"))
        }
        for i in 0..<3 { try ImageFile.writePNG(photo(seed: UInt64(i) + 10), to: directory + "/p\(i).png") }
        try "p0.png\np1.png\n".write(toFile: directory + "/train-list.txt", atomically: true, encoding: .utf8)
        try "p2.png\n".write(toFile: directory + "/val-list.txt", atomically: true, encoding: .utf8)
        let train = try PhotoLibrary(directory: directory, split: .train)
        let validation = try PhotoLibrary(directory: directory, split: .validation)
        XCTAssertEqual(train.count, 2)
        XCTAssertEqual(validation.count, 1)
        XCTAssertEqual(validation.photos[0].image, photo(seed: 12))
    }

    /// Measures the generation rate (printed, never asserted: speed is a benchmark matter).
    func testMeasureGenerationRate() throws {
        let synthesizer = SampleSynthesizer(library: try library(), config: SynthesisConfig(), seed: 3)
        let count = 20
        let start = Date()
        var blurred: Float = 0
        for _ in 0..<count { blurred += synthesizer.next().mask.pixels.reduce(0, +) }
        let seconds = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(blurred, 0)
        print(String(format: "synthesis: %.1f samples/s at 192 px (%.2f ms each, this build's optimisation level)",
                     Double(count) / seconds, seconds * 1000 / Double(count)))
    }
}
