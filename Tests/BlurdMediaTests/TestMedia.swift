import BlurdImaging
import BlurdMedia
import Foundation
import XCTest

/// Test media made on the fly: a temp folder per test case and a moving textured pattern.
enum TestMedia {
    /// A fresh temporary directory, removed when the test case finishes.
    static func temporaryDirectory(for testCase: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("blurd-media-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Frame `index` of a checkerboard-plus-gradient pattern that moves 3 px per frame.
    static func patternFrame(_ index: Int, width: Int, height: Int) -> GrayImage {
        var image = GrayImage(width: width, height: height)
        let shift = index * 3
        for y in 0..<height {
            for x in 0..<width {
                let checker = (((x + shift) / 16) + (y / 16)) % 2 == 0 ? 200 : 40
                let ramp = (x + y) % 32
                image[x, y] = UInt8(checker + ramp - 16)
            }
        }
        return image
    }

    /// Encodes `frames` pattern frames to `path` and returns the path.
    @discardableResult
    static func makeClip(at path: String, frames: Int = 50, width: Int = 320, height: Int = 240,
                         codec: String = "libx264", format: String? = nil, gopSize: Int = 12) throws -> String {
        var options = VideoWriterOptions(path: path, width: width, height: height, frameRate: 25, codec: codec)
        options.format = format
        options.gopSize = gopSize
        options.preset = codec == "libx264" ? "veryfast" : nil
        let writer = try VideoWriter(options: options)
        for index in 0..<frames {
            try writer.write(gray: patternFrame(index, width: width, height: height))
        }
        try writer.finish()
        return path
    }

    /// Runs a command-line tool and returns its stdout.
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "TestMedia", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(tool) \(arguments) exited \(process.terminationStatus)"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
