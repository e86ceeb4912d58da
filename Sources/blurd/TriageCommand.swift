import ArgumentParser
import BlurdCore
import BlurdMedia
import BlurdOutput
import BlurdTriage
import BlurdPipeline
import Foundation

/// `blurd triage PATH... --output-dir DIR`: a footage library in one batch (BlurdTriage does
/// the work; this is the command line around it).
struct TriageCommand: ParsableCommand {
    /// Triage's one different default: hours of footage are sampled, not read frame by frame.
    static let defaultFPS = 5.0

    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Analyse a footage library: every clip under the paths, concurrently and resumably, with one soft-shot list.",
        discussion: """
            Writes DIR/clips/ROOT/RELATIVE/PATH.jsonl (exactly `blurd analyze`'s JSON Lines; ROOT \
            names the PATH argument) with a sidecar PATH.clip.json, DIR/triage.json (every file: \
            ok, partial, failed, skipped or pending), DIR/soft-shots.csv (every soft shot of every \
            clip) and DIR/triage.log (FFmpeg's messages). A rerun reuses each result whose source \
            (size, mtime) and settings still match. Files are found by their content: what holds \
            no video is skipped and counted; hidden folders and DIR are not searched.

            Defaults differ from analyze in one point: frames are sampled at \
            \(Int(defaultFPS)) fps unless --fps, --every or --keyframes-only is given, or \
            --all-frames; a soft shot's edges are then exact to 1/\(Int(defaultFPS)) s.

            With --shard I/N, only the clips of shard I are triaged and DIR/shards/I-of-N.json \
            lists them; no summary is written (shards share DIR): `blurd triage --report-only DIR` \
            builds it from every shard's results, listing clips without one as missing.

            Exit codes: 0 every clip ok or partial (skipped files too, and after SIGINT/SIGTERM, \
            which keeps the finished clips), 2 bad arguments, 3 a PATH names nothing (or DIR holds \
            no manifest), 4 a damaged or disagreeing shard manifest, 8 output failure, \
            \(TriageOutcome.clipsFailedExitCode) at least one clip failed (its row in triage.json \
            holds the error class: analyze's exit code 3-8; a shard exits 0 for it), \
            \(TriageOutcome.incompleteExitCode) a shard stopped by SIGINT/SIGTERM with clips left, or a \
            report with missing clips.
            """)

    @Argument(help: "Files, folders (searched recursively) or globs.")
    var paths: [String] = []

    @Option(help: "The output folder.")
    var outputDir: String?

    @Option(help: ArgumentHelp("Triage only shard I (0-based) of N: the clips whose ROOT/RELATIVE name hashes to I. With N alone, I comes from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job).",
                               valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Rebuild the reports of DIR from its shard manifests, sidecars and JSON Lines, analysing nothing; clips without a result are listed as missing.",
                               valueName: "DIR"))
    var reportOnly: String?

    @OptionGroup var analysis: AnalysisOptions

    @Flag(help: "Analyse every frame instead of sampling at \(Int(defaultFPS)) fps.")
    var allFrames = false

    @Option(parsing: .unconditional, help: "Cores to keep busy, shared among the clips in work (default: the active core count).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Redo every clip, even one whose earlier result still matches.")
    var force = false

    @Option(help: "Progress on stderr: auto (a live line on a terminal, else none), live, json (one object a second) or none.")
    var progress: String = "auto"

    @OptionGroup(title: "Soft shots (soft-shots.csv, triage.json)") var softShots: SoftShotOptions

    func run() throws {
        do {
            try triage()
        } catch let error as BlurdError {
            throw fail(error)
        }
    }

    private func triage() throws {
        if let reportOnly {
            guard paths.isEmpty, outputDir == nil, shard == nil else {
                throw MediaError.invalidOption("--report-only DIR takes no PATH, --output-dir or --shard")
            }
            return try report(directory: reportOnly)
        }
        guard !paths.isEmpty, let outputDir else {
            throw MediaError.invalidOption("give PATH... and --output-dir DIR (or --report-only DIR)")
        }
        var recipe = try analysis.makeRecipe(url: "")
        if !allFrames, !analysis.choosesSampling { recipe.input.fps = Self.defaultFPS }
        if let problem = AnalysisRecipe.workersRange.problem("workers", workers) { throw MediaError.invalidOption(problem) }
        var options = TriageOptions(paths: paths, outputDirectory: outputDir, recipe: recipe,
                                    criteria: try softShots.makeCriteria())
        options.force = force
        options.cores = workers
        options.shard = try shard.map { try ShardSpec(parsing: $0, environment: ProcessInfo.processInfo.environment) }
        if progress == "auto" {
            options.progress = ProgressMode.automatic()
        } else {
            guard let mode = ProgressMode(rawValue: progress) else {
                throw MediaError.invalidOption("unknown progress '\(progress)' (auto, live, json or none)")
            }
            options.progress = mode
        }
        let run = try TriageRun(options: options)
        let stop = TriageStop()
        let signals = StopSignals { _ in stop.stop() }
        defer { withExtendedLifetime(signals) {} }
        let outcome = try run.run(stop: stop)
        let layout = TriageLayout(directory: outputDir)
        // A shard writes no summary: its manifest is what it leaves besides the clips.
        let see = options.shard.map { layout.manifestPath(for: $0) } ?? layout.summaryPath
        writeSummary(outcome, see: see, json: options.progress == .json)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    /// `--report-only DIR`: the reports rebuilt from disk.
    private func report(directory: String) throws {
        let outcome = try TriageReport(directory: directory, criteria: softShots.makeCriteria()).run()
        if !outcome.shardsWithoutManifest.isEmpty {
            let note = "blurd: note: no manifest of shard \(outcome.shardsWithoutManifest.joined(separator: ", ")) "
                + "(never started?): its clips are not in the report\n"
            FileHandle.standardError.write(Data(note.utf8))
        }
        writeSummary(outcome.triage, see: TriageLayout(directory: directory).summaryPath, json: progress == "json")
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    /// The one summary on stderr: a line of text, or a JSON object in the JSON progress stream.
    private func writeSummary(_ outcome: TriageOutcome, see path: String, json: Bool) {
        let totals = outcome.totals
        let text: String
        if json {
            text = "{\"summary\":{\"files\":\(totals.files),\"ok\":\(totals.ok),\"partial\":\(totals.partial),"
                + "\"failed\":\(totals.failed),\"skipped\":\(totals.skipped),\"pending\":\(totals.pending),"
                + "\"missing\":\(totals.missing),\"resumed\":\(totals.resumed),\"interrupted\":\(outcome.interrupted)}}\n"
        } else {
            let what = switch outcome.kind {
            case .whole: "triage"
            case .shard: "triage shard"
            case .report: "triage report"
            }
            text = "blurd: \(what): \(totals.ok) ok, \(totals.partial) partial, \(totals.failed) failed, "
                + "\(totals.skipped) skipped, \(totals.pending) pending"
                + (outcome.kind == .report ? ", \(totals.missing) missing" : " (\(totals.resumed) reused)")
                + (outcome.interrupted ? " (interrupted)" : "") + "; see \(path)\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
