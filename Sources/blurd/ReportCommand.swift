import ArgumentParser
import BlurdCore
import BlurdOutput
import Foundation

/// `blurd report LOG.jsonl`: soft-shot CSV, EDL and SVG from a saved `blurd analyze` log,
/// without decoding the video again.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Soft-shot report (CSV, CMX3600 EDL, SVG timeline) from a saved JSON Lines log.",
        discussion: """
            Exit codes: 0 success, 2 bad arguments, 7 unreadable or malformed log, 8 output \
            failure. Formats: docs/EDITORS.md.
            """)

    @Argument(help: "A JSON Lines file written by `blurd analyze`.")
    var log: String

    @Option(help: "Write the segment list as CSV here.")
    var csv: String?

    @Option(help: "Write a CMX3600 EDL with one event and marker per segment here.")
    var edl: String?

    @Option(help: "Write the sharpness timeline plot (SVG) here.")
    var svg: String?

    // Unconditional, so that `--frame-rate -25` meets the range check instead of being read as
    // an option named -25.
    @Option(parsing: .unconditional,
            help: "Source frame rate for timecodes, in (0, 1000] (default: inferred from the log's frame numbers and timestamps).")
    var frameRate: Double?

    @Option(help: "Source name for the EDL title and the plot (default: the log's file name without extension).")
    var title: String?

    @Option(help: "The source's start timecode, HH:MM:SS:FF (HH:MM:SS;FF drop-frame), which the timecodes count from (default: 00:00:00:00 at the first frame; the log holds none).")
    var startTimecode: String?

    @OptionGroup var criteria: SoftShotOptions

    func run() throws {
        do {
            guard csv != nil || edl != nil || svg != nil else {
                throw ReportError.invalidCriteria("nothing to write: give --csv, --edl and/or --svg")
            }
            if let frameRate, let problem = FrameRateEstimate.range.problem("--frame-rate", frameRate) {
                throw ReportError.invalidCriteria(problem)
            }
            let criteria = try criteria.makeCriteria()
            let frames = try ScoreLogReader.read(path: log)
            let rate = frameRate ?? FrameRateEstimate.infer(from: frames) ?? 25
            guard FrameRateEstimate.range.contains(rate) else {
                throw ReportError.invalidCriteria("the log's frame numbers and timestamps give \(rate) fps, outside "
                                                  + "\(FrameRateEstimate.range): give --frame-rate")
            }
            let name = title ?? URL(fileURLWithPath: log).deletingPathExtension().lastPathComponent
            let report = SoftShotReport(title: name, frames: frames, frameRate: rate, criteria: criteria,
                                        startTimecode: startTimecode)
            if let startTimecode, report.timecode.origin != .source {
                throw ReportError.invalidCriteria("--start-timecode \(startTimecode) is no timecode at \(String(format: "%.3f", rate)) fps")
            }
            try report.write(csv: csv, edl: edl, svg: svg)
            let timecode = report.timecode.dropFrame ? "drop-frame" : "non-drop"
            let line = "blurd: \(frames.count) frames, \(report.segments.count) soft segment(s) at "
                + String(format: "%.3f", rate) + " fps (\(timecode) timecode)\n"
            FileHandle.standardError.write(Data(line.utf8))
        } catch let error as BlurdError {
            throw fail(error)
        }
    }
}

/// The soft-shot criteria, shared by `blurd report` and `blurd analyze --report-prefix`.
struct SoftShotOptions: ParsableArguments {
    // Unconditional like --frame-rate: `--threshold -0.5` meets the range check.
    @Option(parsing: .unconditional, help: "Soft shot: a segment starts when the score falls below this.")
    var threshold: Double = SoftShotCriteria.defaultThreshold

    @Option(parsing: .unconditional, help: "A soft segment ends only when the score rises above this (default: threshold + \(SoftShotCriteria.defaultHysteresis)).")
    var leaveAbove: Double?

    @Option(parsing: .unconditional, help: "Shortest soft segment reported, in seconds.")
    var minDuration: Double = SoftShotCriteria.defaultMinimumSeconds

    func makeCriteria() throws -> SoftShotCriteria {
        let criteria = SoftShotCriteria(enterBelow: threshold,
                                        leaveAbove: leaveAbove ?? min(1, threshold + SoftShotCriteria.defaultHysteresis),
                                        minimumSeconds: minDuration)
        try criteria.validate()
        return criteria
    }
}
