import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Draws a command's progress on standard error from its own thread while the command works:
/// the live line (`\r`, erase to end of line, the line cut to the terminal's width so it never
/// wraps) 4 times a second, or a JSON object once a second. What is shown comes from `render`,
/// so `blurd triage` and `blurd analyze` share the drawing. Written by hand: none of the allowed
/// packages draws terminal progress.
public final class ProgressTicker: Sendable {
    private let mode: ProgressMode
    private let delay: Double
    private let render: @Sendable (_ finished: Bool) -> String
    private let stopped = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)

    /// `render(finished)`: the live line (without control characters) in `.live` mode, the JSON
    /// object (without newline) in `.json` mode; `finished` is true for the JSON stream's last
    /// object. `delay`: seconds before the first draw, so that a short run shows nothing.
    public init(mode: ProgressMode, delay: Double = 0, render: @escaping @Sendable (_ finished: Bool) -> String) {
        self.mode = mode
        self.delay = delay
        self.render = render
    }

    /// Seconds between two draws: the live line at most 4 times a second, JSON once a second.
    var interval: Double? {
        switch mode {
        case .none: return nil
        case .live: return 0.25
        case .json: return 1
        }
    }

    /// Starts the drawing thread (nothing for `.none`).
    public func start() {
        guard let interval else { return }
        let thread = Thread { [self] in
            if delay > 0, stopped.wait(timeout: .now() + delay) == .success {
                ended.signal()
                return
            }
            while stopped.wait(timeout: .now() + interval) == .timedOut {
                draw(finished: false)
            }
            ended.signal()
        }
        thread.start()
    }

    /// Stops the thread; the live line is erased so the next message starts on a clean line,
    /// and the JSON stream ends with one last object.
    public func finish() {
        guard mode != .none else { return }
        stopped.signal()
        ended.wait()
        switch mode {
        case .live: Self.write("\r\u{1B}[K")
        case .json: draw(finished: true)
        case .none: break
        }
    }

    private func draw(finished: Bool) {
        switch mode {
        case .live: Self.write("\r\u{1B}[K" + ProgressText.fit(render(false), width: Self.terminalWidth() - 1))
        case .json: Self.write(render(finished) + "\n")
        case .none: break
        }
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
