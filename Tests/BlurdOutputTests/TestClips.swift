import BlurdImaging
import BlurdMedia
import Foundation
import XCTest

/// Synthetic test media: textured frames, blurred where a test wants them soft, encoded with
/// BlurdMedia's writer; and ffprobe as the independent reference.
enum TestClips {
    /// Random 4×4 grey blocks shifted by `shift` pixels: sharp texture everywhere.
    static func blocks(width: Int, height: Int, shift: Int, seed: UInt64) -> GrayImage {
        var image = GrayImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                var hash = (UInt64((x + shift) / 4) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(y / 4) &* 0xC2B2_AE3D_27D4_EB4F) ^ seed
                hash ^= hash >> 29
                hash = hash &* 0xBF58_476D_1CE4_E5B9
                hash ^= hash >> 32
                image[x, y] = UInt8(40 + hash % 176)
            }
        }
        return image
    }

    /// Box blur of radius `radius` applied three times (close to a Gaussian of σ ≈ radius),
    /// only to columns `[0, toX)`.
    static func blur(_ image: GrayImage, radius: Int, toX: Int? = nil) -> GrayImage {
        var result = image
        let limit = toX ?? image.width
        for _ in 0..<3 {
            let source = result
            for y in 0..<image.height {
                for x in 0..<limit {
                    var sum = 0, count = 0
                    for dy in -radius...radius {
                        for dx in -radius...radius {
                            let sx = min(image.width - 1, max(0, x + dx)), sy = min(image.height - 1, max(0, y + dy))
                            sum += Int(source[sx, sy])
                            count += 1
                        }
                    }
                    result[x, y] = UInt8(sum / count)
                }
            }
        }
        return result
    }

    /// A fresh temporary directory, removed when the test ends.
    static func directory(for test: XCTestCase) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("blurd-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    /// Encodes `frames` grey frames from `frame(i)` as H.264 at 25 fps.
    static func encode(to path: String, width: Int, height: Int, frames: Int, frame: (Int) -> GrayImage) throws {
        var options = VideoWriterOptions(path: path, width: width, height: height, frameRate: 25)
        options.crf = 16
        options.preset = "veryfast"
        let writer = try VideoWriter(options: options)
        for index in 0..<frames { try writer.write(gray: frame(index)) }
        try writer.finish()
    }

    /// The presentation times ffprobe reports for every video frame, in seconds.
    static func probeFramePts(_ path: String) throws -> [Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                             "frame=best_effort_timestamp_time", "-of", "csv=p=0", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileReadCorruptFile) }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ", \r")))
        }
    }
}
