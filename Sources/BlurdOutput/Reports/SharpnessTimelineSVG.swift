import Foundation

/// The sharpness timeline as a standalone SVG: score over time as a line (broken where frames
/// are `no_texture`), soft segments shaded red, the enter/leave thresholds dashed, and a time
/// axis labelled in timecode.
public enum SharpnessTimelineSVG {
    static let width = 1200.0, height = 320.0
    static let left = 60.0, right = 20.0, top = 30.0, bottom = 50.0

    public static func text(for report: SoftShotReport) -> String {
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let firstSeconds = report.frames.first?.pts ?? 0
        let lastSeconds = max((report.frames.last?.pts ?? 0) + 1 / max(report.frameRate, 1), firstSeconds + 1e-3)
        func x(_ seconds: Double) -> Double { left + (seconds - firstSeconds) / (lastSeconds - firstSeconds) * plotWidth }
        func y(_ score: Double) -> Double { top + (1 - min(1, max(0, score))) * plotHeight }

        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<title>\(escaped(report.title)) sharpness</title>",
            "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\"/>",
            "<text x=\"\(n(left))\" y=\"18\" font-size=\"14\">\(escaped(report.title)): sharpness, \(report.segments.count) soft segment(s)</text>",
        ]
        for segment in report.segments {
            let x0 = x(segment.startSeconds), x1 = x(segment.endSeconds)
            svg.append("<rect class=\"soft\" x=\"\(n(x0))\" y=\"\(n(top))\" width=\"\(n(max(1, x1 - x0)))\" height=\"\(n(plotHeight))\" fill=\"#e53935\" fill-opacity=\"0.25\"/>")
        }
        svg.append("<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotWidth))\" height=\"\(n(plotHeight))\" fill=\"none\" stroke=\"#444\"/>")
        for (value, label) in [(report.criteria.enterBelow, "enter"), (report.criteria.leaveAbove, "leave")] {
            svg.append("<line x1=\"\(n(left))\" y1=\"\(n(y(value)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y(value)))\" stroke=\"#e53935\" stroke-dasharray=\"6 4\"><title>\(label) \(n(value))</title></line>")
        }
        for tick in 0...4 {
            let value = Double(tick) / 4
            svg.append("<text x=\"\(n(left - 8))\" y=\"\(n(y(value) + 4))\" text-anchor=\"end\">\(n(value))</text>")
        }
        let ticks = 6
        for tick in 0...ticks {
            let seconds = firstSeconds + (lastSeconds - firstSeconds) * Double(tick) / Double(ticks)
            let frame = Int((seconds * report.frameRate).rounded())
            svg.append("<text x=\"\(n(x(seconds)))\" y=\"\(n(top + plotHeight + 18))\" text-anchor=\"middle\">\(report.timecode.string(frame: frame))</text>")
        }
        svg.append("<text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(height - 8))\" text-anchor=\"middle\">\(report.timecode.origin == .source ? "source timecode" : "timecode from the first frame") (score 1 = sharp)</text>")
        for run in scoredRuns(report.frames) {
            let points = columnExtremes(run, column: { Int(x($0.pts)) })
                .map { "\(n(x($0.pts))),\(n(y($0.score ?? 0)))" }.joined(separator: " ")
            svg.append("<polyline fill=\"none\" stroke=\"#1e88e5\" stroke-width=\"1.5\" points=\"\(points)\"/>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    /// Consecutive frames with a score; a `no_texture` frame breaks the line.
    private static func scoredRuns(_ frames: [ScoredFrame]) -> [[ScoredFrame]] {
        var runs: [[ScoredFrame]] = [[]]
        for frame in frames {
            if frame.score == nil {
                if !runs[runs.count - 1].isEmpty { runs.append([]) }
            } else {
                runs[runs.count - 1].append(frame)
            }
        }
        return runs.filter { !$0.isEmpty }
    }

    /// At most the lowest and the highest frame of each pixel column, in time order: a long
    /// clip then costs two points per column instead of one per frame, and every dip stays visible.
    private static func columnExtremes(_ run: [ScoredFrame], column: (ScoredFrame) -> Int) -> [ScoredFrame] {
        var kept: [ScoredFrame] = []
        var start = 0
        while start < run.count {
            let current = column(run[start])
            var end = start, lowest = start, highest = start
            while end < run.count, column(run[end]) == current {
                if (run[end].score ?? 0) < (run[lowest].score ?? 0) { lowest = end }
                if (run[end].score ?? 0) > (run[highest].score ?? 0) { highest = end }
                end += 1
            }
            for index in Set([lowest, highest]).sorted() { kept.append(run[index]) }
            start = end
        }
        return kept
    }

    /// Two decimals, without a trailing ".00" noise for whole numbers.
    private static func n(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
