import BlurdOutput

/// Shows a `TriageProgress` on standard error while the run lasts (`ProgressTicker` draws it):
/// the live line, or a JSON object a second.
struct ProgressReporter: Sendable {
    private let ticker: ProgressTicker

    init(mode: ProgressMode, progress: TriageProgress) {
        ticker = ProgressTicker(mode: mode) { finished in
            let snapshot = progress.snapshot()
            return mode == .json ? Self.json(snapshot, finished: finished) : Self.line(snapshot)
        }
    }

    func start() { ticker.start() }

    func finish() { ticker.finish() }

    /// `12/40 clips · 231.4 fps · 00:03:12 elapsed · ETA 00:09:40 · 1 failed · cardA/A001.mov`
    static func line(_ snapshot: TriageProgress.Snapshot) -> String {
        var parts = [
            "\(snapshot.clipsDone)/\(snapshot.clipsTotal) clips",
            ProgressText.rate(frames: snapshot.framesAnalysed, seconds: snapshot.elapsedSeconds),
            ProgressText.clock(snapshot.elapsedSeconds) + " elapsed",
            ProgressText.eta(snapshot.etaSeconds),
        ]
        if snapshot.clipsFailed > 0 { parts.append("\(snapshot.clipsFailed) failed") }
        if let first = snapshot.current.first {
            parts.append(first + (snapshot.current.count > 1 ? " (+\(snapshot.current.count - 1))" : ""))
        }
        return parts.joined(separator: " · ")
    }

    /// Keys: clips_done, clips_total, clips_failed, frames, fps, elapsed_s, eta_s (null until
    /// known), current (the clips in work), finished.
    static func json(_ snapshot: TriageProgress.Snapshot, finished: Bool) -> String {
        let fps = snapshot.elapsedSeconds > 0 ? Double(snapshot.framesAnalysed) / snapshot.elapsedSeconds : 0
        let fields = [
            "\"clips_done\":\(snapshot.clipsDone)",
            "\"clips_total\":\(snapshot.clipsTotal)",
            "\"clips_failed\":\(snapshot.clipsFailed)",
            "\"frames\":\(snapshot.framesAnalysed)",
            "\"fps\":\(JSONText.number(fps, decimals: 2))",
            "\"elapsed_s\":\(JSONText.number(snapshot.elapsedSeconds, decimals: 3))",
            "\"eta_s\":" + (snapshot.etaSeconds.map { JSONText.number($0, decimals: 1) } ?? "null"),
            "\"current\":[" + snapshot.current.map(JSONText.string).joined(separator: ",") + "]",
            "\"finished\":\(finished)",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }
}
