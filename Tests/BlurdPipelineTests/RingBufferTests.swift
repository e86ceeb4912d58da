import BlurdCore
import BlurdPipeline
import Foundation
import Synchronization
import XCTest

final class RingBufferTests: XCTestCase {
    private let itemCount = 100_000

    /// What one consumer thread saw, read by the test after the thread has left the group.
    private final class Seen: Sendable {
        let pairs = Mutex<[(Int, Int)]>([])
    }

    /// Runs `consumerCount` consumer threads that take until the ring is closed, returning the
    /// (sequence, value) pairs each saw.
    private func startConsumers(_ ring: RingBuffer<Int>, count consumerCount: Int, group: DispatchGroup,
                                slowEvery: Int = 0) -> [Seen] {
        (0..<consumerCount).map { consumer in
            let seen = Seen()
            group.enter()
            let thread = Thread {
                var taken = 0
                var pairs: [(Int, Int)] = []
                while let delivery = ring.take() {
                    pairs.append((delivery.sequence, delivery.slot.element))
                    ring.recycle(delivery.slot)
                    taken += 1
                    if slowEvery > 0, taken % slowEvery == consumer { usleep(50) }
                }
                seen.pairs.withLock { $0 = pairs }
                group.leave()
            }
            thread.start()
            return seen
        }
    }

    func testBlockPolicyLosesNothingAndDuplicatesNothing() {
        let ring = RingBuffer<Int>(capacity: 8, policy: .block) { -1 }
        let group = DispatchGroup()
        let seen = startConsumers(ring, count: 2, group: group)
        for value in 0..<itemCount {
            guard let slot = ring.acquire() else { return XCTFail("acquire returned nil before close") }
            slot.element = value
            ring.publish(slot)
        }
        ring.close()
        group.wait()

        let all = seen.flatMap { $0.pairs.withLock { $0 } }
        XCTAssertEqual(all.count, itemCount)
        XCTAssertEqual(Set(all.map(\.1)).count, itemCount, "a value was delivered twice")
        XCTAssertEqual(all.map(\.1).sorted(), Array(0..<itemCount))
        // With nothing dropped, delivery sequence equals the published order.
        XCTAssertTrue(all.allSatisfy { $0.0 == $0.1 })
        XCTAssertTrue(seen.allSatisfy { !$0.pairs.withLock { $0 }.isEmpty }, "one consumer got no item")
        let counters = ring.counters
        XCTAssertEqual(counters.produced, itemCount)
        XCTAssertEqual(counters.delivered, itemCount)
        XCTAssertEqual(counters.dropped, 0)
        XCTAssertLessThanOrEqual(counters.maxOccupancy, 8)
    }

    func testDropOldestStaysBoundedAndCountsDropsExactly() {
        let capacity = 4
        let ring = RingBuffer<Int>(capacity: capacity, policy: .dropOldest) { -1 }
        let group = DispatchGroup()
        let seen = startConsumers(ring, count: 2, group: group, slowEvery: 2)
        var maxObserved = 0
        for value in 0..<itemCount {
            guard let slot = ring.acquire() else { return XCTFail("acquire returned nil before close") }
            slot.element = value
            ring.publish(slot)
            maxObserved = max(maxObserved, ring.occupancy)
        }
        ring.close()
        group.wait()

        let all = seen.flatMap { $0.pairs.withLock { $0 } }
        let counters = ring.counters
        XCTAssertGreaterThan(counters.dropped, 0, "slow consumers should have forced drops")
        XCTAssertEqual(counters.produced, itemCount)
        XCTAssertEqual(counters.produced, counters.delivered + counters.dropped)
        XCTAssertEqual(all.count, counters.delivered)
        XCTAssertEqual(Set(all.map(\.1)).count, all.count, "a value was delivered twice")
        XCTAssertLessThanOrEqual(counters.maxOccupancy, capacity)
        XCTAssertLessThanOrEqual(maxObserved, capacity)
        // Sequences have no gaps and follow the published order.
        let bySequence = all.sorted { $0.0 < $1.0 }
        XCTAssertEqual(bySequence.map(\.0), Array(0..<all.count))
        XCTAssertEqual(bySequence.map(\.1), bySequence.map(\.1).sorted())
    }

    /// A slot acquired and handed back unfilled (the producer's input ended) drops nothing: the
    /// newest items stay queued.
    func testDropOldestDropsOnlyWhenANewItemIsPublished() {
        let ring = RingBuffer<Int>(capacity: 3, policy: .dropOldest) { -1 }
        for value in 0..<5 {
            guard let slot = ring.acquire() else { return XCTFail("acquire returned nil before close") }
            slot.element = value
            ring.publish(slot)
        }
        XCTAssertEqual(ring.counters.dropped, 2)
        guard let unused = ring.acquire() else { return XCTFail("no spare slot for the producer") }
        ring.recycle(unused)
        ring.close()
        var values: [Int] = []
        while let delivery = ring.take() {
            values.append(delivery.slot.element)
            ring.recycle(delivery.slot)
        }
        XCTAssertEqual(values, [2, 3, 4])
        XCTAssertEqual(ring.counters.dropped, 2)
        XCTAssertEqual(ring.counters.produced, ring.counters.delivered + ring.counters.dropped)
    }

    func testSlotsAreReusedInPlace() {
        let capacity = 3
        let ring = RingBuffer<GrayImage>(capacity: capacity, policy: .block) { GrayImage(width: 64, height: 32) }
        var storage = Set<UnsafeMutableRawPointer>()
        for frame in 0..<50 {
            guard let slot = ring.acquire() else { return XCTFail("acquire returned nil") }
            slot.element.pixels.withUnsafeMutableBufferPointer { pixels in
                pixels[0] = UInt8(frame)
                storage.insert(UnsafeMutableRawPointer(pixels.baseAddress!))
            }
            ring.publish(slot)
            guard let delivery = ring.take() else { return XCTFail("take returned nil") }
            XCTAssertEqual(delivery.slot.element.pixels[0], UInt8(frame))
            ring.recycle(delivery.slot)
        }
        XCTAssertLessThanOrEqual(storage.count, capacity, "frame storage was reallocated")
    }

    func testCloseWakesWaitingConsumersAndStopsTheProducer() {
        let ring = RingBuffer<Int>(capacity: 2, policy: .block) { 0 }
        let done = expectation(description: "consumer returns nil")
        Thread {
            XCTAssertNil(ring.take())
            done.fulfill()
        }.start()
        usleep(10_000)
        ring.close()
        wait(for: [done], timeout: 10)
        XCTAssertNil(ring.acquire())
    }
}
