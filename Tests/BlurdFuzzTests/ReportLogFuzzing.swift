import BlurdOutput
import Foundation

/// `blurd report LOG.jsonl`: the log is parsed, its frame rate inferred (or 25) and checked,
/// and the soft-shot report rendered as CSV, EDL and SVG text, as the command writes them.
enum ReportLogFuzzing {
    static func run(_ input: Data) -> FuzzOutcome {
        FuzzOutcome.of {
            let frames = try ScoreLogReader.parse(input, path: "fuzz.jsonl")
            let rate = FrameRateEstimate.infer(from: frames) ?? 25
            guard FrameRateEstimate.range.contains(rate) else {
                throw FuzzRejection("inferred frame rate \(rate) is outside \(FrameRateEstimate.range)")
            }
            let report = SoftShotReport(title: "fuzz", frames: frames, frameRate: rate, criteria: SoftShotCriteria())
            _ = SoftShotCSV.text(for: report)
            _ = SoftShotEDL.text(for: report)
            _ = SharpnessTimelineSVG.text(for: report)
        }
    }
}
