import ArgumentParser
@testable import blurd
import BlurdOutput
import BlurdPipeline
import Foundation

/// The `blurd` command line: the input is the argument list (arguments separated by NUL bytes,
/// as in /proc/PID/cmdline), parsed by the real commands (their `validate()` included) and, for
/// the commands that analyse or report, turned into the values they would run with and checked
/// against every range, without opening an input or writing a file. A refusal is rendered as
/// `blurd` renders it (message and exit code).
enum OptionFuzzing {
    static func run(_ input: Data) -> FuzzOutcome {
        // As CommandLine.arguments decodes argv: invalid UTF-8 is repaired, not refused.
        let arguments = input.split(separator: 0, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        do {
            try check(try Blurd.parseAsRoot(arguments))
            return .accepted
        } catch {
            _ = Blurd.exitCode(for: error)
            return .rejected(Blurd.fullMessage(for: error))
        }
    }

    /// What each command checks before it starts work.
    private static func check(_ command: ParsableCommand) throws {
        switch command {
        case let analyze as AnalyzeCommand:
            try analyze.makeRecipe().validate()
            _ = try analyze.softShots.makeCriteria()
        case let triage as TriageCommand:
            try triage.analysis.makeRecipe(url: "").validate()
            if let problem = AnalysisRecipe.workersRange.problem("workers", triage.workers) {
                throw FuzzRejection(problem)
            }
            _ = try triage.softShots.makeCriteria()
        case let report as ReportCommand:
            if let rate = report.frameRate, let problem = FrameRateEstimate.range.problem("--frame-rate", rate) {
                throw FuzzRejection(problem)
            }
            _ = try report.criteria.makeCriteria()
        default:
            break
        }
    }
}
