import BlurdImaging
import BlurdMedia
import BlurdPipeline
import Foundation
import XCTest

/// The whole spine on a real encoded clip: VideoWriter → VideoSource → pipeline → sink.
final class ClipTests: XCTestCase {
    static let width = 320, height = 180, frames = 40, blurredFrames = 20..<30

    /// A moving textured pattern, frames 20–29 Gaussian-blurred (σ = 2.5 px) before encoding.
    private func makeClip() throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("blurd-pipeline-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("clip.mp4").path
        var options = VideoWriterOptions(path: path, width: Self.width, height: Self.height, frameRate: 25)
        options.crf = 18
        options.preset = "veryfast"
        let writer = try VideoWriter(options: options)
        for index in 0..<Self.frames {
            var frame = SyntheticFrames.blocks(width: Self.width, height: Self.height, shift: 2 * index, seed: 4)
            if Self.blurredFrames.contains(index) { frame = SyntheticFrames.gaussianBlur(frame, sigma: 2.5) }
            try writer.write(gray: frame)
        }
        try writer.finish()
        return path
    }

    func testBlurredFramesScoreLowerThanSharpOnes() throws {
        let source = try VideoSource(options: VideoSourceOptions(url: try makeClip()))
        let sink = CollectingSink()
        let summary = try AnalysisPipeline(source: source, analyzerFactory: AnalysisMethod.classic.makeFactory(),
                                           sinks: [sink], options: PipelineOptions(workers: 4)).run()

        XCTAssertEqual(summary.framesAnalysed, Self.frames)
        XCTAssertEqual(sink.results.map(\.meta.index), Array(0..<Self.frames))
        for (index, result) in sink.results.enumerated() {
            XCTAssertEqual(result.meta.pts, Double(index) / 25, accuracy: 1e-6)
        }
        XCTAssertTrue(sink.results.allSatisfy { $0.analysis.state == .ok })
        let scores = sink.results.map { $0.analysis.score ?? -1 }
        let blurred = Self.blurredFrames.map { scores[$0] }
        let sharp = scores.indices.filter { !Self.blurredFrames.contains($0) }.map { scores[$0] }
        XCTAssertLessThan(blurred.max()!, sharp.min()!, "blurred \(blurred) vs sharp \(sharp)")
        XCTAssertGreaterThan(sharp.min()!, 0.7)
        XCTAssertLessThan(blurred.max()!, 0.3)
    }
}
