import BlurdCore
import BlurdMedia
import BlurdAnalysis
import BlurdPipeline
import Foundation
import XCTest

final class AnalysisPipelineTests: XCTestCase {
    func testResultsComeOutInFrameOrderUnderFourWorkers() throws {
        let frames = 400
        let source = CountingSource(count: frames)
        let sink = CollectingSink()
        let pipeline = AnalysisPipeline(source: source, analyzerFactory: { SleepyAnalyzer() }, sinks: [sink],
                                        options: PipelineOptions(workers: 4, ringCapacity: 6))
        let summary = try pipeline.run()

        XCTAssertEqual(sink.results.map(\.meta.index), Array(0..<frames))
        // The sink saw each frame's own pixels: no slot was refilled before it was written.
        XCTAssertEqual(sink.lumaIndices, Array(0..<frames))
        // Frames are decoded into the ring's preallocated slots, not into fresh storage.
        XCTAssertLessThanOrEqual(sink.lumaStorage.count, 6)
        XCTAssertEqual(sink.results.map { Int($0.analysis.score!) }, Array(0..<frames))
        XCTAssertEqual(sink.results.map(\.meta.pts), (0..<frames).map { Double($0) / 25 })
        XCTAssertEqual(sink.summaries.count, 1)
        XCTAssertEqual(summary.framesAnalysed, frames)
        XCTAssertEqual(summary.framesDecoded, frames)
        XCTAssertEqual(summary.framesDropped, 0)
        XCTAssertFalse(summary.interrupted)
        XCTAssertEqual(sink.summaries.first, summary)
    }

    func testDropOldestKeepsOrderAndAccountsForEveryFrame() throws {
        let frames = 300
        let source = CountingSource(count: frames)
        let sink = CollectingSink()
        let pipeline = AnalysisPipeline(source: source, analyzerFactory: { SleepyAnalyzer() }, sinks: [sink],
                                        options: PipelineOptions(workers: 2, ringCapacity: 4, dropPolicy: .dropOldest))
        let summary = try pipeline.run()

        let indices = sink.results.map(\.meta.index)
        XCTAssertGreaterThan(summary.framesDropped, 0, "a source faster than analysis must drop")
        XCTAssertEqual(summary.framesAnalysed + summary.framesDropped, frames)
        XCTAssertEqual(indices, indices.sorted())
        XCTAssertEqual(Set(indices).count, indices.count)
        XCTAssertEqual(sink.lumaIndices, indices)
        XCTAssertEqual(indices.last, frames - 1, "the newest frame is never the one dropped")
        // Each frame carries the drops so far: they only grow, and the newest frame saw all of
        // them but the one the source's final (end-of-file) slot request may still cause.
        let drops = sink.results.map(\.framesDroppedSoFar)
        XCTAssertEqual(drops, drops.sorted())
        XCTAssertLessThanOrEqual(drops.last!, summary.framesDropped)
        XCTAssertGreaterThanOrEqual(drops.last!, summary.framesDropped - 1)
    }

    func testStopEndsAnEndlessSourceAndWritesEveryFinishedFrame() throws {
        let source = CountingSource(count: nil)
        let sink = CollectingSink()
        let pipeline = AnalysisPipeline(source: source, analyzerFactory: { SleepyAnalyzer() }, sinks: [sink],
                                        options: PipelineOptions(workers: 3))
        sink.onWrite = { written in if written == 50 { pipeline.stop() } }
        let summary = try pipeline.run()

        XCTAssertTrue(summary.interrupted)
        XCTAssertGreaterThanOrEqual(sink.results.count, 50)
        // Frames already queued when the stop came are still analysed and written, in order.
        XCTAssertEqual(sink.results.map(\.meta.index), Array(0..<sink.results.count))
        XCTAssertEqual(sink.results.count, source.delivered)
        XCTAssertEqual(summary.framesAnalysed, sink.results.count)
    }

    func testAnalyzerErrorStopsTheRunAfterFinishingTheSinks() {
        let source = CountingSource(count: 1000)
        let sink = CollectingSink()
        let pipeline = AnalysisPipeline(source: source, analyzerFactory: { FailingAnalyzer(failAt: 30) },
                                        sinks: [sink], options: PipelineOptions(workers: 2))
        XCTAssertThrowsError(try pipeline.run()) { XCTAssertTrue($0 is AnalyzerFailure) }
        XCTAssertEqual(sink.summaries.count, 1, "finish must run on failure too")
        XCTAssertLessThan(source.delivered, 1000, "the source should stop after the failure")
        XCTAssertFalse(sink.results.contains { $0.meta.index == 30 })
        XCTAssertEqual(Array(sink.results.map(\.meta.index).prefix(30)), Array(0..<30))
    }
}
