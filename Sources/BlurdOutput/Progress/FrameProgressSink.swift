import BlurdPipeline
import Foundation
import Synchronization

/// The sink behind `blurd analyze`'s live line: counts the frames written and keeps the last
/// one's position, so the line can show frames, frames/s, elapsed time and, when the input's
/// length is known, the ETA: `1234 frames · 48.2 fps · 00:00:25 elapsed · ETA 00:01:10`.
public final class FrameProgressSink: FrameSink, Sendable {
    private struct State {
        var frames = 0
        var pts: Double?
    }

    /// The part of the input the run reads, in pts seconds; nil when its end is unknown (a live
    /// stream, a container without a duration).
    private let span: ClosedRange<Double>?
    private let state = Mutex(State())
    private let started = ContinuousClock.now

    /// `start`: the first second read (`--start`, 0 by default); `end`: the last (the input's
    /// duration, or `--start` + `--duration` when that comes first); nil when unknown.
    public init(start: Double, end: Double?) {
        if let end, end.isFinite, start.isFinite, end > start {
            span = start...end
        } else {
            span = nil
        }
    }

    public func write(_ result: FrameResult) throws {
        state.withLock { state in
            state.frames += 1
            state.pts = result.meta.pts
        }
    }

    public func finish(_ summary: RunSummary) throws {}

    /// The live line as of now.
    public func line() -> String {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let (frames, pts) = state.withLock { ($0.frames, $0.pts) }
        var eta: Double?
        if let span, let pts, seconds > 0 {
            // The share of the span read so far; none left once the last frame is past the end.
            let done = min(1, max(0, (pts - span.lowerBound) / (span.upperBound - span.lowerBound)))
            if done > 0 { eta = seconds * (1 - done) / done }
        }
        return [
            "\(frames) frames",
            ProgressText.rate(frames: frames, seconds: seconds),
            ProgressText.clock(seconds) + " elapsed",
            ProgressText.eta(eta),
        ].joined(separator: " · ")
    }
}
