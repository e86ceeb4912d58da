import BlurdCore
import BlurdMedia
import BlurdAnalysis
import BlurdPipeline
import BlurdTestSupport
import Foundation
import XCTest

/// The whole spine on a real encoded clip: VideoWriter → VideoSource → pipeline → sink.
final class ClipTests: XCTestCase {
    static let width = 320, height = 180, frames = 40, blurredFrames = 20..<30

    /// A moving textured pattern, frames 20–29 Gaussian-blurred (σ = 2.5 px) before encoding.
    private func makeClip() throws -> String {
        let directory = try TemporaryDirectory.make("blurd-pipeline", for: self)
        var options = VideoWriterOptions(path: directory.appendingPathComponent("clip.mp4").path,
                                         width: Self.width, height: Self.height, frameRate: 25)
        options.crf = 18
        options.preset = "veryfast"
        return try ClipEncoder.encode(options, frames: Self.frames) { index in
            let frame = SyntheticFrames.blocks(width: Self.width, height: Self.height, shift: 2 * index, seed: 4)
            return Self.blurredFrames.contains(index) ? GaussianBlur.apply(frame, sigma: 2.5) : frame
        }
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
