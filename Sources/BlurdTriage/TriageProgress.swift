import Foundation
import Synchronization

/// The live state of a triage run, updated by the clips in work and read by the progress
/// reporter: counts, frames analysed, and each running clip's position for the ETA.
public final class TriageProgress: Sendable {
    /// What the reporter shows, taken at one instant.
    public struct Snapshot: Sendable, Equatable {
        public var clipsTotal = 0
        public var clipsDone = 0
        public var clipsFailed = 0
        public var framesAnalysed = 0
        public var elapsedSeconds = 0.0
        /// Seconds left, from the share of the bytes to analyse that are done; nil before any.
        public var etaSeconds: Double?
        /// The clips in work, by name, oldest first.
        public var current: [String] = []
    }

    private struct Running: Sendable {
        var name: String
        var size: Int64
        var durationSeconds: Double?
        var pts = 0.0
    }

    private struct State: Sendable {
        var clipsTotal = 0
        var clipsDone = 0
        var clipsFailed = 0
        var framesAnalysed = 0
        /// Bytes of the clips this run analyses (resumed ones left out: they cost nothing).
        var bytesToAnalyse: Int64 = 0
        var bytesAnalysed: Int64 = 0
        var running: [Int: Running] = [:]
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now

    public init() {}

    /// Sets the totals once discovery and the resume check are done.
    func plan(clips: Int, alreadyDone: Int, bytesToAnalyse: Int64) {
        state.withLock { state in
            state.clipsTotal = clips
            state.clipsDone = alreadyDone
            state.bytesToAnalyse = bytesToAnalyse
        }
    }

    func clipStarted(token: Int, clip: TriageClip) {
        state.withLock { $0.running[token] = Running(name: clip.name, size: clip.size) }
    }

    func clipOpened(token: Int, durationSeconds: Double?) {
        state.withLock { $0.running[token]?.durationSeconds = durationSeconds }
    }

    func frameAnalysed(token: Int, pts: Double) {
        state.withLock { state in
            state.framesAnalysed += 1
            state.running[token]?.pts = pts
        }
    }

    func clipFinished(token: Int, failed: Bool) {
        state.withLock { state in
            if let clip = state.running.removeValue(forKey: token) { state.bytesAnalysed += clip.size }
            state.clipsDone += 1
            if failed { state.clipsFailed += 1 }
        }
    }

    /// A clip stopped before its end: not done, and its bytes not counted.
    func clipAbandoned(token: Int) {
        _ = state.withLock { $0.running.removeValue(forKey: token) }
    }

    public func snapshot() -> Snapshot {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return state.withLock { state in
            var snapshot = Snapshot(clipsTotal: state.clipsTotal, clipsDone: state.clipsDone,
                                    clipsFailed: state.clipsFailed, framesAnalysed: state.framesAnalysed,
                                    elapsedSeconds: seconds)
            let ordered = state.running.sorted { $0.key < $1.key }.map(\.value)
            snapshot.current = ordered.map(\.name)
            // A running clip counts by the share of its duration analysed (bytes are the only
            // size known for every clip before it opens).
            var done = Double(state.bytesAnalysed)
            for clip in ordered {
                if let duration = clip.durationSeconds, duration > 0 {
                    done += Double(clip.size) * min(1, clip.pts / duration)
                }
            }
            let total = Double(state.bytesToAnalyse)
            if done > 0, total > 0 {
                snapshot.etaSeconds = max(0, seconds * (total - done) / done)
            }
            return snapshot
        }
    }
}
