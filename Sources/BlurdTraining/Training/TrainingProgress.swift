import Foundation

/// The progress line on stderr: iteration, samples/s, loss, learning rate and ETA.
///
/// On a terminal the line is redrawn in place a few times a second; in a log file (nohup) a
/// full line is written every `logInterval` seconds instead, so the log stays readable.
public final class TrainingProgress {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let logInterval: Double
    private var lastDraw = -Double.infinity
    private var lineIsOpen = false

    public init(logInterval: Double = 30) {
        self.logInterval = logInterval
    }

    /// `fraction` is the part of the budget done; `elapsed` the training seconds so far.
    public func update(iteration: Int, fraction: Double, elapsed: Double, samplesPerSecond: Double,
                       loss: Float, learningRate: Float, now: Double) {
        guard now - lastDraw >= (isTerminal ? 0.25 : logInterval) else { return }
        lastDraw = now
        let width = 24
        let filled = Int((min(1, max(0, fraction)) * Double(width)).rounded(.down))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let line = String(format: "[%@] %5.1f%% it %d  %.1f samples/s  loss %.4f  lr %.2e  elapsed %@  ETA %@",
                          bar, fraction * 100, iteration, samplesPerSecond, loss, learningRate,
                          Self.clock(elapsed), Self.clock(remaining))
        if isTerminal {
            write("\r" + line + "\u{1B}[K")
            lineIsOpen = true
        } else {
            write(line + "\n")
        }
    }

    /// A message on its own line (validation results, checkpoints).
    public func message(_ text: String) {
        if lineIsOpen {
            write("\n")
            lineIsOpen = false
        }
        write(text + "\n")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(text.data(using: .utf8)!)
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.isFinite ? max(0, seconds) : 0)
        return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }
}
