import BlurdCore
import BlurdMedia
import BlurdTestSupport
import Foundation
import XCTest

final class ImageFileTests: XCTestCase {
    /// An odd-sized image using every grey level, so off-by-one and range errors show.
    private func sampleImage(width: Int = 97, height: Int = 61) -> GrayImage {
        var image = GrayImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width { image[x, y] = UInt8((x * 7 + y * 13 + (x * y) % 11) & 255) }
        }
        return image
    }

    func testPNGAndPGMRoundTripsAreExact() throws {
        let directory = try TemporaryDirectory.make("blurd-media", for: self)
        let image = sampleImage()
        let png = directory.appendingPathComponent("a.png").path
        try ImageFile.writePNG(image, to: png)
        XCTAssertEqual(try ImageFile.loadGray(png), image)
        let pgm = directory.appendingPathComponent("a.pgm").path
        try ImageFile.writePGM(image, to: pgm)
        XCTAssertEqual(try ImageFile.loadGray(pgm), image)
        let header = try Data(contentsOf: URL(fileURLWithPath: pgm)).prefix(2)
        XCTAssertEqual(String(decoding: header, as: UTF8.self), "P5")
    }

    func testDecodesFilesMadeByTheFFmpegCLI() throws {
        let directory = try TemporaryDirectory.make("blurd-media", for: self)
        let image = sampleImage(width: 64, height: 48)
        let pgm = directory.appendingPathComponent("grey.pgm").path
        try ImageFile.writePGM(image, to: pgm)

        // Grey stored as RGB: every channel and the luma must come back as the original levels.
        let bmp = directory.appendingPathComponent("grey.bmp").path
        _ = try ExternalTool.output("ffmpeg", ["-v", "error", "-i", pgm, "-pix_fmt", "rgb24", bmp])
        let rgb = try ImageFile.loadRGB(bmp)
        XCTAssertEqual(rgb.width, 64)
        XCTAssertEqual(rgb.height, 48)
        XCTAssertEqual(stride(from: 0, to: rgb.rgb.count, by: 3).map { rgb.rgb[$0] }, image.pixels)
        XCTAssertEqual(stride(from: 2, to: rgb.rgb.count, by: 3).map { rgb.rgb[$0] }, image.pixels)
        let bmpGray = try ImageFile.loadGray(bmp)
        XCTAssertLessThanOrEqual(maxDifference(bmpGray, image), 1)

        for (name, quality, tolerance) in [("grey.jpg", "2", 12.0), ("grey.webp", "95", 12.0)] {
            let path = directory.appendingPathComponent(name).path
            _ = try ExternalTool.output("ffmpeg", ["-v", "error", "-i", pgm, "-q:v", quality, path])
            let loaded = try ImageFile.loadGray(path)
            XCTAssertEqual(loaded.width, 64, name)
            XCTAssertEqual(loaded.height, 48, name)
            XCTAssertLessThan(meanAbsoluteDifference(loaded, image), tolerance, name)
        }
    }

    func testMissingAndNonImageFilesThrow() throws {
        let directory = try TemporaryDirectory.make("blurd-media", for: self)
        XCTAssertThrowsError(try ImageFile.loadGray(directory.appendingPathComponent("none.png").path)) {
            XCTAssertEqual($0 as? MediaError, .fileNotFound(directory.appendingPathComponent("none.png").path))
        }
        let garbage = directory.appendingPathComponent("garbage.png")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: garbage)
        XCTAssertThrowsError(try ImageFile.loadGray(garbage.path))
        XCTAssertThrowsError(try ImageFile.writePNG(GrayImage(width: 0, height: 0), to: directory.appendingPathComponent("e.png").path))
    }

    func testRecompressionChangesPixelsButKeepsTheMean() throws {
        let image = TestMedia.patternFrame(2, width: 97, height: 65)
        for (codec, quality) in [("mjpeg", 31), ("libx264", 45)] {
            let degraded = try Recompression.roundTrip(image, codec: codec, quality: quality)
            XCTAssertEqual(degraded.width, 97)
            XCTAssertEqual(degraded.height, 65)
            let changed = zip(degraded.pixels, image.pixels).filter { $0 != $1 }.count
            XCTAssertGreaterThan(changed, image.pixels.count / 4, codec)
            XCTAssertEqual(mean(degraded), mean(image), accuracy: 3, codec)
        }
        let gentle = try Recompression.roundTrip(image, codec: "mjpeg", quality: 2)
        let harsh = try Recompression.roundTrip(image, codec: "mjpeg", quality: 31)
        XCTAssertLessThan(meanAbsoluteDifference(gentle, image), meanAbsoluteDifference(harsh, image))
        XCTAssertThrowsError(try Recompression.roundTrip(image, codec: "mjpeg", quality: 99))
        XCTAssertThrowsError(try Recompression.roundTrip(image, codec: "gif", quality: 5))
    }

    private func mean(_ image: GrayImage) -> Double {
        Double(image.pixels.reduce(0) { $0 + Int($1) }) / Double(image.pixels.count)
    }

    private func meanAbsoluteDifference(_ a: GrayImage, _ b: GrayImage) -> Double {
        Double(zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.pixels.count)
    }

    private func maxDifference(_ a: GrayImage, _ b: GrayImage) -> Int {
        zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }
}
