import Foundation

/// Training samples made on background threads and handed to the training loop through a
/// small bounded queue.
///
/// Each worker owns its own sample source (its own synthesizer and random stream), so no state
/// is shared between threads but the queue. With one worker the order of samples is fully
/// determined by the seed; with more it depends on scheduling.
// Unchecked: every `var` is read and written only while holding `condition`, which the workers
// and the consumer also wait on.
public final class SampleStream: @unchecked Sendable {
    /// Produces one sample per call; called from one worker thread only.
    public typealias Source = () -> TrainingSample

    private let condition = NSCondition()
    private var queue: [TrainingSample] = []
    private let capacity: Int
    private var stopping = false
    private var runningWorkers = 0
    private var producedCount = 0
    private var producingSeconds = 0.0
    private var waitingSeconds = 0.0

    /// Starts `sources.count` worker threads; `capacity` bounds the samples waiting in memory.
    public init(sources: [Source], capacity: Int) {
        precondition(!sources.isEmpty && capacity > 0, "a sample stream needs a source and room")
        self.capacity = capacity
        runningWorkers = sources.count
        for (index, source) in sources.enumerated() {
            let handed = HandedSource(next: source)
            let thread = Thread { [self] in produce(handed.next) }
            thread.name = "blurd-synth-\(index)"
            thread.start()
        }
    }

    deinit { stop() }

    private func produce(_ source: Source) {
        while true {
            condition.lock()
            let done = stopping
            condition.unlock()
            if done { break }
            let start = DispatchTime.now().uptimeNanoseconds
            let sample = source()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            condition.lock()
            while queue.count >= capacity && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                break
            }
            queue.append(sample)
            producedCount += 1
            producingSeconds += seconds
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        runningWorkers -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// The next sample, waiting for a worker if the queue is empty.
    public func next() -> TrainingSample {
        let start = DispatchTime.now().uptimeNanoseconds
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        let sample = queue.removeFirst()
        condition.broadcast()
        waitingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return sample
    }

    /// Throughput figures: samples made, mean seconds one worker spends per sample, and the
    /// seconds the consumer has spent waiting on an empty queue (starvation).
    public var statistics: (produced: Int, secondsPerSample: Double, consumerWaitSeconds: Double) {
        condition.lock()
        defer { condition.unlock() }
        return (producedCount, producedCount == 0 ? 0 : producingSeconds / Double(producedCount), waitingSeconds)
    }

    /// Asks the workers to finish and waits until they have (a worker ends its current sample first).
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while runningWorkers > 0 { condition.wait() }
        queue.removeAll()
        condition.unlock()
    }
}

/// A worker's source on its way to the worker's thread.
// Unchecked: `init` hands each source to exactly one thread, and that thread is its only caller.
private struct HandedSource: @unchecked Sendable {
    let next: SampleStream.Source
}
