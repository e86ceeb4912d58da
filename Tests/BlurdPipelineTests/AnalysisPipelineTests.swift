import BlurdCore
import BlurdMedia
import BlurdAnalysis
import BlurdPipeline
import Foundation
import Synchronization
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
        let frames = 300, capacity = 4
        let source = CountingSource(count: frames)
        let sink = CollectingSink()
        // Analysis waits for the end of the input: the ring stays full, so frames must drop.
        let gate = source.ended
        let pipeline = AnalysisPipeline(source: source, analyzerFactory: { GatedAnalyzer(gate: gate) }, sinks: [sink],
                                        options: PipelineOptions(workers: 2, ringCapacity: capacity, dropPolicy: .dropOldest))
        let summary = try pipeline.run()

        let indices = sink.results.map(\.meta.index)
        XCTAssertEqual(summary.framesAnalysed + summary.framesDropped, frames)
        XCTAssertEqual(indices, indices.sorted())
        XCTAssertEqual(Set(indices).count, indices.count)
        XCTAssertEqual(sink.lumaIndices, indices)
        // The frames the two workers took first, then what the queue kept: of the 5 slots (the
        // capacity plus the producer's spare) the workers hold 2 and one stays free, so the
        // newest 2. Nothing at the end of the input is lost: the slot asked for at the end and
        // never filled drops nothing.
        XCTAssertEqual(Array(indices.suffix(2)), [frames - 2, frames - 1])
        XCTAssertLessThanOrEqual(indices.count, 4)
        // Each frame carries the drops so far: they only grow, and the newest frame saw them all.
        let drops = sink.results.map(\.framesDroppedSoFar)
        XCTAssertEqual(drops, drops.sorted())
        XCTAssertEqual(drops.last, summary.framesDropped)
    }

    /// Drops are reported as they happen, not only with the next written frame: here analysis
    /// (and so every write) waits for the source's end, and every drop was heard by then.
    func testDropsAreReportedAsTheyHappen() throws {
        let frames = 100
        let source = CountingSource(count: frames)
        let gate = source.ended
        let heard = Mutex<[Int]>([])
        let pipeline = AnalysisPipeline(source: source, analyzerFactory: { GatedAnalyzer(gate: gate) },
                                        sinks: [CollectingSink()],
                                        options: PipelineOptions(workers: 1, ringCapacity: 2, dropPolicy: .dropOldest),
                                        onDrop: { soFar in heard.withLock { $0.append(soFar) } })
        let summary = try pipeline.run()
        XCTAssertGreaterThan(summary.framesDropped, 0)
        XCTAssertEqual(heard.withLock { $0 }, Array(1...summary.framesDropped))
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
