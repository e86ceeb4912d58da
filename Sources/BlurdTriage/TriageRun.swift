import BlurdMedia
import BlurdOutput
import BlurdPipeline
import Foundation
import Logging
import Synchronization

/// `blurd triage`: finds the clips under the given paths (those of its shard with `--shard`),
/// records them in its shard manifest, reuses every result that still matches, analyses the
/// rest concurrently (`TriageScheduler`), and writes triage.json and soft-shots.csv. A bad clip
/// never ends the batch; only an unusable option, a missing PATH or an unwritable output folder
/// does (thrown before any clip runs, or while writing the summary).
public struct TriageRun: Sendable {
    public let options: TriageOptions
    public let layout: TriageLayout
    /// The recipe made ready once; every clip runs on it with its own input.
    private let analysis: AnalysisRun

    /// Checks the recipe and loads its model once (`AnalysisRun`): a model that cannot run is
    /// a bad option (`MediaError.invalidOption`), not a failure of every clip.
    public init(options: TriageOptions) throws {
        analysis = try AnalysisRun(recipe: options.recipe)
        self.options = options
        layout = TriageLayout(directory: options.outputDirectory)
    }

    /// Runs the batch. `stop` ends it early (finished clips kept, the summary still written);
    /// `clipFinished` is called with each clip's row as it completes, on the clip's thread.
    /// A shard (`options.shard`) runs only its clips and writes its manifest but no summary.
    public func run(stop: TriageStop = TriageStop(),
                    clipFinished: (@Sendable (ClipReport) -> Void)? = nil) throws -> TriageOutcome {
        try SharedFolder.make(layout.clipsDirectory)
        try SharedFolder.make(layout.shardsDirectory)
        let log = try TriageLogHandler.Destination(path: layout.logPath(for: options.shard))
        FFmpegLog.route(to: Logger(label: "ffmpeg") { _ in TriageLogHandler(destination: log) })
        defer { FFmpegLog.flush() }

        let found = try ClipDiscovery.discover(options.paths, excluding: layout.directory)
        let shard = options.shard ?? .whole
        let inventory = ClipDiscovery.Inventory(clips: found.clips.filter { shard.owns($0.name) },
                                                skipped: found.skipped.filter { shard.owns($0.file.name) })
        let settings = try TriageSettings(recipe: options.recipe)
        // Before any clip runs: a shard killed from here on is still listed, its clips missing.
        ShardManifest.removeOtherSplits(than: shard, layout: layout)
        let manifest = ShardManifest(shard: shard, paths: options.paths, settings: settings,
                                     clips: inventory.clips, skipped: inventory.skipped)
        try manifest.write(layout: layout)
        let progress = TriageProgress()
        let runner = ClipRunner(layout: layout, analysis: analysis, settings: settings, criteria: options.criteria,
                                stop: stop, progress: progress)
        var earlier: [ClipReport] = []
        var toAnalyse: [TriageClip] = []
        for clip in inventory.clips {
            if !options.force, let report = runner.earlierResult(of: clip) {
                earlier.append(report)
            } else {
                toAnalyse.append(clip)
            }
        }
        // Longest first (by bytes, all that is known before opening), so the batch ends on short
        // clips and no core waits long on a lone straggler.
        toAnalyse.sort { $0.size > $1.size }
        progress.plan(clips: inventory.clips.count, alreadyDone: earlier.count,
                      bytesToAnalyse: toAnalyse.reduce(0) { $0 + $1.size })

        let reporter = ProgressReporter(mode: options.progress, progress: progress)
        reporter.start()
        let finished = FinishedReports()
        TriageScheduler(cores: options.cores).run(toAnalyse, shouldStop: { stop.isRequested }) { clip, workers in
            let report = runner.run(clip, workers: workers)
            finished.reports.withLock { $0[clip.name] = report }
            clipFinished?(report)
        }
        reporter.finish()

        let done = finished.reports.withLock { $0 }
        let analysed = toAnalyse.map { done[$0.name] ?? ClipReport(clip: $0, status: .pending) }
        let skipped = inventory.skipped.map { ClipReport(clip: $0.file, status: .skipped, message: $0.message) }
        let reports = (earlier + analysed + skipped).sorted { $0.clip.name < $1.clip.name }
        try manifest.ended(stopped: reports.contains { $0.status == .pending }, reports: reports).write(layout: layout)
        let summary = TriageSummary(reports: reports, settings: settings, criteria: options.criteria, layout: layout)
        // Shards share DIR: the summaries are built once, from every shard's results, by
        // `--report-only` (TriageReport).
        if options.shard == nil { try summary.write(reports: reports, layout: layout) }
        return TriageOutcome(kind: options.shard == nil ? .whole : .shard, reports: reports, totals: summary.totals,
                             interrupted: stop.isRequested)
    }
}

/// The rows of the clips analysed so far, by clip name, filled from the clips' threads.
private final class FinishedReports: Sendable {
    let reports = Mutex<[String: ClipReport]>([:])
}
