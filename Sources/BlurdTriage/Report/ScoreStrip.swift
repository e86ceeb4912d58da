import BlurdOutput

/// A clip's score timeline as the report page draws it: a small inline SVG in a fixed view box,
/// stretched to the cell's width. The line is the lowest score of each of `columns` time
/// columns (a dip of one frame stays visible, and a long clip costs no more than a short one),
/// with the points of level stretches left out (a steady clip is two points: the page stays
/// small at 1,000 clips), broken where no frame could be judged; the soft shots are shaded and
/// the enter threshold drawn dashed.
struct ScoreStrip {
    static let columns = 300
    static let height = 40
    /// Pixels kept free above and below the line.
    static let margin = 2

    /// One polyline's points, "x,y x,y …" in view-box units.
    var lines: [String]
    var shots: [Shot]
    /// y of the enter threshold.
    var thresholdY: Int
    /// Timecodes of the strip's left and right ends.
    var startLabel: String
    var endLabel: String
    /// The view box (stored, not computed: the page template reads properties by reflection).
    var width = Self.columns
    var height = Self.height

    struct Shot {
        var x: String
        var width: String
        /// Tooltip: the shot's timecode range.
        var label: String
    }

    init(frames: [ScoredFrame], report: SoftShotReport, durationSeconds: Double) {
        let first = frames.first?.pts ?? 0
        let span = max(durationSeconds, (frames.last?.pts ?? 0) - first + 1 / max(report.frameRate, 1), 1e-3)
        func column(_ seconds: Double) -> Int {
            min(Self.columns - 1, max(0, Int(((seconds - first) / span * Double(Self.columns)).rounded(.down))))
        }
        func y(_ score: Double) -> Int {
            Self.margin + Int(((1 - min(1, max(0, score))) * Double(Self.height - 2 * Self.margin)).rounded())
        }
        // Lowest score per column; nil where no frame was judged.
        var lowest = [Double?](repeating: nil, count: Self.columns)
        var seen = [Bool](repeating: false, count: Self.columns)
        for frame in frames where (frame.pts - first).isFinite {
            let index = column(frame.pts)
            seen[index] = true
            if let score = frame.score { lowest[index] = min(lowest[index] ?? 1, score) }
        }
        var runs: [[(x: Int, y: Int)]] = [[]]
        for index in 0..<Self.columns {
            if let score = lowest[index] {
                runs[runs.count - 1].append((index, y(score)))
            } else if seen[index], !runs[runs.count - 1].isEmpty {
                // A column of no_texture frames breaks the line; one without frames (sampling) does not.
                runs.append([])
            }
        }
        lines = runs.filter { !$0.isEmpty }.map { run in
            // A lone column still shows as a short dash.
            let points = run.count == 1 ? [run[0], (run[0].x + 1, run[0].y)] : run
            return points.indices.filter { index in
                index == 0 || index == points.count - 1
                    || points[index].y != points[index - 1].y || points[index].y != points[index + 1].y
            }.map { "\(points[$0].x),\(points[$0].y)" }.joined(separator: " ")
        }
        thresholdY = y(report.criteria.enterBelow)
        let firstFrame = frames.first?.index ?? 0
        startLabel = report.timecode.string(frame: firstFrame)
        let spanFrames = (span * report.frameRate).rounded()
        endLabel = report.timecode.string(frame: firstFrame + (spanFrames.isFinite ? Int(min(1e12, max(0, spanFrames))) : 0))
        shots = report.segments.map { segment in
            let start = (segment.startSeconds - first) / span * Double(Self.columns)
            let end = (segment.endSeconds - first) / span * Double(Self.columns)
            return Shot(x: Self.decimal(max(0, start)), width: Self.decimal(max(0.6, end - start)),
                        label: report.timecode.string(frame: segment.startFrame) + " – " + report.timecode.string(frame: segment.endFrame))
        }
    }

    /// One decimal: enough at 300 columns.
    private static func decimal(_ value: Double) -> String {
        let tenths = Int((min(1e6, value) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
