import BlurdOutput
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Shows a `TriageProgress` on standard error while the run lasts, from its own thread: the live
/// line (`\r`, erase to end of line, the line cut to the terminal's width so it never wraps)
/// 4 times a second, or a JSON object once a second. Written by hand: none of the allowed
/// packages draws terminal progress.
final class ProgressReporter: Sendable {
    private let mode: ProgressMode
    private let progress: TriageProgress
    private let stopped = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)

    init(mode: ProgressMode, progress: TriageProgress) {
        self.mode = mode
        self.progress = progress
    }

    /// Starts the reporting thread (nothing for `.none`).
    func start() {
        let interval: Double
        switch mode {
        case .none: return
        case .live: interval = 0.25
        case .json: interval = 1
        }
        let thread = Thread { [self] in
            while stopped.wait(timeout: .now() + interval) == .timedOut {
                show(progress.snapshot())
            }
            ended.signal()
        }
        thread.start()
    }

    /// Stops the thread; the live line is erased so the summary starts on a clean line, and
    /// the JSON stream ends with one last object.
    func finish() {
        guard mode != .none else { return }
        stopped.signal()
        ended.wait()
        switch mode {
        case .live: Self.write("\r\u{1B}[K")
        case .json: Self.write(Self.json(progress.snapshot(), finished: true) + "\n")
        case .none: break
        }
    }

    private func show(_ snapshot: TriageProgress.Snapshot) {
        switch mode {
        case .live: Self.write("\r\u{1B}[K" + Self.fit(Self.line(snapshot), width: Self.terminalWidth() - 1))
        case .json: Self.write(Self.json(snapshot, finished: false) + "\n")
        case .none: break
        }
    }

    /// `12/40 clips · 231.4 fps · 00:03:12 elapsed · ETA 00:09:40 · 1 failed · cardA/A001.mov`
    static func line(_ snapshot: TriageProgress.Snapshot) -> String {
        var parts = [
            "\(snapshot.clipsDone)/\(snapshot.clipsTotal) clips",
            String(format: "%.1f fps", fps(snapshot)),
            duration(snapshot.elapsedSeconds) + " elapsed",
            "ETA " + (snapshot.etaSeconds.map(duration) ?? "--:--:--"),
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
        let fields = [
            "\"clips_done\":\(snapshot.clipsDone)",
            "\"clips_total\":\(snapshot.clipsTotal)",
            "\"clips_failed\":\(snapshot.clipsFailed)",
            "\"frames\":\(snapshot.framesAnalysed)",
            "\"fps\":\(JSONText.number(fps(snapshot), decimals: 2))",
            "\"elapsed_s\":\(JSONText.number(snapshot.elapsedSeconds, decimals: 3))",
            "\"eta_s\":" + (snapshot.etaSeconds.map { JSONText.number($0, decimals: 1) } ?? "null"),
            "\"current\":[" + snapshot.current.map(JSONText.string).joined(separator: ",") + "]",
            "\"finished\":\(finished)",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }

    private static func fps(_ snapshot: TriageProgress.Snapshot) -> Double {
        snapshot.elapsedSeconds > 0 ? Double(snapshot.framesAnalysed) / snapshot.elapsedSeconds : 0
    }

    /// HH:MM:SS.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return String(format: "%02d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }

    /// Cut to `width` characters, so the line never wraps (a wrapped line cannot be redrawn).
    private static func fit(_ line: String, width: Int) -> String {
        line.count <= width ? line : String(line.prefix(max(0, width - 1))) + "…"
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
