import BlurdMedia
import BlurdPipeline
import Synchronization

/// Where SIGINT/SIGTERM go during `blurd analyze`: to the input while it opens (a pipe that has
/// sent nothing yet blocks there), then to the pipeline, which it stops at once if the signal
/// came in between.
final class AnalyzeStop: Sendable {
    private struct State {
        var pipeline: AnalysisPipeline?
        var requested = false
    }

    /// Handed to the `VideoSource`, so a stop can end its opening.
    let interrupt = InputInterrupt()
    private let state = Mutex(State())

    var isRequested: Bool { state.withLock { $0.requested } }

    func stop() {
        interrupt.request()
        state.withLock { state in
            state.requested = true
            state.pipeline?.stop()
        }
    }

    func attach(_ pipeline: AnalysisPipeline) {
        state.withLock { state in
            state.pipeline = pipeline
            if state.requested { pipeline.stop() }
        }
    }
}
