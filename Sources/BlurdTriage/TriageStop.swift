import BlurdMedia
import BlurdPipeline
import Synchronization

/// The one stop request of a triage run, shared by every clip in work: `stop()` (from SIGINT or
/// SIGTERM) ends each clip's opening or pipeline at once, and no further clip starts. Clips
/// that already finished are kept; the runner discards the interrupted ones.
public final class TriageStop: Sendable {
    /// A clip in work: its input's interrupt while it opens, then its pipeline.
    private struct Running: Sendable {
        let interrupt: InputInterrupt
        var pipeline: AnalysisPipeline?
    }

    private struct State: Sendable {
        var requested = false
        var running: [Int: Running] = [:]
        var nextToken = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var isRequested: Bool { state.withLock { $0.requested } }

    /// Safe from any thread, including a signal handler's queue.
    public func stop() {
        state.withLock { state in
            state.requested = true
            for clip in state.running.values {
                clip.interrupt.request()
                clip.pipeline?.stop()
            }
        }
    }

    /// Registers a clip about to open through `interrupt`; returns its token for `attach` and `end`.
    func begin(_ interrupt: InputInterrupt) -> Int {
        state.withLock { state in
            let token = state.nextToken
            state.nextToken += 1
            state.running[token] = Running(interrupt: interrupt)
            if state.requested { interrupt.request() }
            return token
        }
    }

    /// The clip's pipeline, stopped at once when the stop came while the clip was opening.
    func attach(_ pipeline: AnalysisPipeline, token: Int) {
        state.withLock { state in
            state.running[token]?.pipeline = pipeline
            if state.requested { pipeline.stop() }
        }
    }

    func end(token: Int) {
        _ = state.withLock { $0.running.removeValue(forKey: token) }
    }
}
