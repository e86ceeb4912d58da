import Foundation

/// The pieces of a progress line shared by the commands that draw one.
public enum ProgressText {
    /// HH:MM:SS (hours grow past 99 rather than wrap); a non-finite or negative value shows as
    /// `--:--:--`.
    public static func clock(_ seconds: Double) -> String {
        // The bound keeps Int(_:) in range; ETAs that far out are unknown in practice.
        guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return "--:--:--" }
        let total = Int(seconds.rounded())
        return String(format: "%02d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }

    /// `ETA HH:MM:SS`, or `ETA --:--:--` while unknown.
    public static func eta(_ seconds: Double?) -> String {
        "ETA " + (seconds.map(clock) ?? "--:--:--")
    }

    /// Frames per second with one decimal, `0.0` before any time has passed.
    public static func rate(frames: Int, seconds: Double) -> String {
        String(format: "%.1f fps", seconds > 0 ? Double(frames) / seconds : 0)
    }

    /// Cut to `width` characters, so the line never wraps (a wrapped line cannot be redrawn).
    public static func fit(_ line: String, width: Int) -> String {
        line.count <= width ? line : String(line.prefix(max(0, width - 1))) + "…"
    }
}
