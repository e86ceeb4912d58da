import BlurdMedia
import BlurdPipeline
import Foundation

/// Where SIGINT/SIGTERM go during `blurd analyze`: to the input while it opens (a pipe that has
/// sent nothing yet blocks there), then to the pipeline, which it stops at once if the signal
/// came in between.
final class AnalyzeStop: @unchecked Sendable {
    /// Handed to the `VideoSource`, so a stop can end its opening.
    let interrupt = InputInterrupt()
    private let lock = NSLock()
    private var pipeline: AnalysisPipeline?
    private var requested = false

    var isRequested: Bool { lock.withLock { requested } }

    func stop() {
        interrupt.request()
        lock.withLock {
            requested = true
            pipeline?.stop()
        }
    }

    func attach(_ pipeline: AnalysisPipeline) {
        lock.withLock {
            self.pipeline = pipeline
            if requested { pipeline.stop() }
        }
    }
}
