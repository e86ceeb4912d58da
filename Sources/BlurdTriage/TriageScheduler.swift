import Foundation
import Synchronization

/// Runs jobs concurrently so that every core stays busy across files: with C cores, up to C
/// jobs at once with one worker each; when fewer jobs are waiting than cores are free (the tail
/// of a batch, or a batch of few clips), each new job gets a share of the free cores as extra
/// workers. A finished job's cores go to the next job at once, so short clips never leave a core
/// idle while others wait. Jobs start in the order given; callers put the longest first, so the
/// tail is made of short ones.
struct TriageScheduler: Sendable {
    /// Cores to fill (at least 1).
    let cores: Int

    /// Runs `work(job, workers)` for each job on its own thread until all have run or
    /// `shouldStop()` says to start no more; returns when every started job has returned.
    func run<Job: Sendable>(_ jobs: [Job], shouldStop: @escaping @Sendable () -> Bool,
                            work: @escaping @Sendable (Job, Int) -> Void) {
        let freeCores = FreeCores(max(1, cores))
        let finished = DispatchSemaphore(value: 0)
        var running = 0
        var next = 0
        while next < jobs.count || running > 0 {
            // Start as many jobs as the free cores allow.
            while next < jobs.count, !shouldStop() {
                let waiting = jobs.count - next
                let workers: Int? = freeCores.count.withLock { free in
                    guard free > 0 else { return nil }
                    let share = max(1, free / waiting)
                    free -= share
                    return share
                }
                guard let workers else { break }
                let job = jobs[next]
                next += 1
                running += 1
                // A thread per job, not the Dispatch pool: each job blocks in decoding for its
                // whole length.
                let thread = Thread {
                    work(job, workers)
                    freeCores.count.withLock { $0 += workers }
                    finished.signal()
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
            if running == 0 { break }
            finished.wait()
            running -= 1
        }
    }
}

/// The cores no job holds, shared with the job threads that give theirs back.
private final class FreeCores: Sendable {
    let count: Mutex<Int>

    init(_ count: Int) {
        self.count = Mutex(count)
    }
}
