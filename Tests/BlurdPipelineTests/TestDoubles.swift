import BlurdCore
import BlurdMedia
import BlurdAnalysis
import BlurdPipeline
import BlurdSegmenter
import Foundation

/// A source of `count` frames whose first pixel row encodes the frame index, or an endless
/// one (count nil) that ends only when interrupted.
final class CountingSource: FrameSource {
    let frameWidth = 32
    let frameHeight = 16
    private let count: Int?
    private let lock = NSLock()
    private var interrupted = false
    private(set) var delivered = 0
    /// Opened when the source has delivered its last frame.
    let ended = Gate()

    init(count: Int?) { self.count = count }

    /// Luma only: no sink that needs full-resolution pictures runs on it.
    var fullFrameSize: (width: Int, height: Int)? { nil }

    func nextFrame(into luma: inout GrayImage, fullFrame: inout YUV420Image) throws -> FrameMeta? {
        try nextFrame(into: &luma)
    }

    func nextFrame(into luma: inout GrayImage) throws -> FrameMeta? {
        let stop = lock.withLock { interrupted }
        if stop { return nil }
        if let count, delivered >= count {
            ended.open()
            return nil
        }
        let index = delivered
        delivered += 1
        luma.pixels.withUnsafeMutableBufferPointer { pixels in
            pixels[0] = UInt8(index & 0xFF)
            pixels[1] = UInt8((index >> 8) & 0xFF)
        }
        return FrameMeta(index: index, pts: Double(index) / 25, isKeyframe: index % 12 == 0)
    }

    var counters: SourceCounters { SourceCounters(framesDecoded: delivered) }

    func interrupt() { lock.withLock { interrupted = true } }

    static func index(of luma: GrayImage) -> Int { Int(luma.pixels[0]) | Int(luma.pixels[1]) << 8 }
}

/// A one-way gate: `wait` blocks until `open` has been called, from any thread.
// Unchecked: `isOpen` is read and written only while holding `condition`, which `wait` waits on.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    func open() {
        condition.withLock {
            isOpen = true
            condition.broadcast()
        }
    }

    func wait() {
        condition.withLock { while !isOpen { condition.wait() } }
    }
}

/// Analyses nothing until `gate` opens, then reads the frame index back from the pixels: with
/// the gate opened at the source's end, the ring is full for the whole input, however loaded
/// the machine, so what drop-oldest does is certain rather than a race.
final class GatedAnalyzer: FrameAnalyzer {
    private let gate: Gate

    init(gate: Gate) { self.gate = gate }

    func analyze(_ luma: GrayImage) throws -> FrameAnalysis {
        gate.wait()
        return FrameAnalysis(state: .ok, score: Double(CountingSource.index(of: luma)), blurredFraction: 0,
                             map: BlurMap(width: 1, height: 1))
    }
}

/// Reads the frame index back from the pixels and sleeps a random 0–3 ms, so workers finish
/// out of order.
final class SleepyAnalyzer: FrameAnalyzer {
    private var random = SeededRandom(seed: UInt64.random(in: 1...UInt64.max))

    func analyze(_ luma: GrayImage) throws -> FrameAnalysis {
        usleep(UInt32(random.next() % 3000))
        let index = CountingSource.index(of: luma)
        return FrameAnalysis(state: .ok, score: Double(index), blurredFraction: 0,
                             map: BlurMap(width: 1, height: 1))
    }
}

/// Keeps the metadata and analysis of every frame, but not the luma: holding it would force
/// the pipeline to copy the slot storage on the next refill.
final class CollectingSink: FrameSink {
    struct Record {
        var meta: FrameMeta
        var analysis: FrameAnalysis
        var framesDroppedSoFar: Int
    }

    private(set) var results: [Record] = []
    private(set) var summaries: [RunSummary] = []
    /// Index read from the luma at write time (before the slot can be reused).
    private(set) var lumaIndices: [Int] = []
    /// Addresses of the pixel storage the sink was shown.
    private(set) var lumaStorage = Set<UInt>()
    var onWrite: ((Int) -> Void)?

    func write(_ result: FrameResult) throws {
        results.append(Record(meta: result.meta, analysis: result.analysis, framesDroppedSoFar: result.framesDroppedSoFar))
        lumaIndices.append(CountingSource.index(of: result.luma))
        result.luma.pixels.withUnsafeBufferPointer { lumaStorage.insert(UInt(bitPattern: $0.baseAddress)) }
        onWrite?(results.count)
    }

    func finish(_ summary: RunSummary) throws { summaries.append(summary) }
}

struct AnalyzerFailure: Error {}

/// Fails on the frame with index `failAt`.
final class FailingAnalyzer: FrameAnalyzer {
    let failAt: Int
    init(failAt: Int) { self.failAt = failAt }

    func analyze(_ luma: GrayImage) throws -> FrameAnalysis {
        if CountingSource.index(of: luma) == failAt { throw AnalyzerFailure() }
        return FrameAnalysis(state: .ok, score: 1, blurredFraction: 0, map: BlurMap(width: 1, height: 1))
    }
}
