import BlurdMedia
import BlurdTestSupport
import Foundation
import XCTest

/// MQTT snapshots' JPEGs: a limited-range picture comes back from FFmpeg's JPEG decoder with
/// its black black, its white white and its colours where they were.
final class JPEGEncodingTests: XCTestCase {
    func testLimitedRangePictureDecodesToTheSameColours() throws {
        var picture = YUV420Image(width: 64, height: 48)
        for y in 0..<48 {
            for x in 0..<64 { picture.y[y * 64 + x] = x < 32 ? 16 : 235 }
        }
        // Bottom-right quarter: BT.601 limited-range red (Y 81, Cb 90, Cr 240).
        for y in 24..<48 {
            for x in 32..<64 { picture.y[y * 64 + x] = 81 }
        }
        for y in 12..<24 {
            for x in 16..<32 {
                picture.u[y * 32 + x] = 90
                picture.v[y * 32 + x] = 240
            }
        }
        let jpeg = try JPEGEncoding.encode(picture)
        XCTAssertEqual(Array(jpeg.prefix(3)), [0xFF, 0xD8, 0xFF])
        let directory = try TemporaryDirectory.make("blurd-jpeg", for: self)
        let path = directory.appendingPathComponent("snapshot.jpg").path
        try Data(jpeg).write(to: URL(fileURLWithPath: path))
        let decoded = try ImageFile.loadRGB(path)
        XCTAssertEqual(decoded.width, 64)
        XCTAssertEqual(decoded.height, 48)
        func pixel(_ x: Int, _ y: Int) -> [Int] { (0..<3).map { Int(decoded.rgb[(y * 64 + x) * 3 + $0]) } }
        for channel in pixel(8, 8) { XCTAssertLessThan(channel, 12, "black: \(pixel(8, 8))") }
        for channel in pixel(48, 8) { XCTAssertGreaterThan(channel, 243, "white: \(pixel(48, 8))") }
        let red = pixel(48, 36)
        XCTAssertGreaterThan(red[0], 220, "red: \(red)")
        XCTAssertLessThan(red[1], 40, "red: \(red)")
        XCTAssertLessThan(red[2], 40, "red: \(red)")
        XCTAssertThrowsError(try JPEGEncoding.encode(picture, quality: 1))
    }
}
