import BlurdCore
import BlurdMedia
import BlurdOutput
import BlurdPipeline
import Foundation

/// Analyses one clip the way `blurd analyze` does (the batch's `AnalysisRun` on the clip's
/// input, its model loaded once for every clip), writing its JSON Lines under a temporary name that is renamed only when the clip is
/// complete, then its sidecar. Never throws: whatever goes wrong becomes the clip's row.
struct ClipRunner: Sendable {
    let layout: TriageLayout
    /// The batch's analysis; each clip sets its URL, workers, decoder threads and log label.
    let analysis: AnalysisRun
    let settings: TriageSettings
    let criteria: SoftShotCriteria
    let stop: TriageStop
    let progress: TriageProgress

    /// The clip's earlier result when its sidecar still matches the source and the settings,
    /// with its scores read back from the JSON Lines; nil when the clip must be analysed (also
    /// when it failed or was skipped before: that is tried again).
    func earlierResult(of clip: TriageClip) -> ClipReport? {
        guard let sidecar = ClipSidecar.read(path: layout.sidecarPath(for: clip)),
              sidecar.result.status == .ok || sidecar.result.status == .partial,
              let stamp = SourceStamp(path: clip.path), sidecar.matches(source: stamp, settings: settings) else { return nil }
        return sidecar.storedReport(for: clip, layout: layout, criteria: criteria, resumed: true)
    }

    /// Analyses `clip` with `workers` analysis workers. A clip stopped before its end comes back
    /// `.pending`, with nothing of it left on disk but an earlier complete result.
    func run(_ clip: TriageClip, workers: Int) -> ClipReport {
        let interrupt = InputInterrupt()
        let token = stop.begin(interrupt)
        defer { stop.end(token: token) }
        progress.clipStarted(token: token, clip: clip)
        let report = analyse(clip, workers: workers, interrupt: interrupt, token: token)
        if report.status == .pending {
            progress.clipAbandoned(token: token)
        } else {
            progress.clipFinished(token: token, failed: report.status == .failed)
        }
        return report
    }

    private func analyse(_ clip: TriageClip, workers: Int, interrupt: InputInterrupt, token: Int) -> ClipReport {
        let resultPath = layout.resultPath(for: clip), temporary = layout.temporaryResultPath(for: clip)
        let sidecarPath = layout.sidecarPath(for: clip)
        let stamp = SourceStamp(path: clip.path)
        func failed(_ error: Error) -> ClipReport {
            // A stale result of an earlier run must not outlive the clip's failure now.
            try? FileManager.default.removeItem(atPath: resultPath)
            try? FileManager.default.removeItem(atPath: sidecarPath)
            let (code, message) = Self.describe(error)
            var result = ClipResult(status: .failed, errorClass: code, error: message)
            // A media file without video (audio only) is no clip to triage, like a text file.
            if case .noVideoStream? = error as? MediaError { result = ClipResult(status: .skipped, error: "no video stream") }
            // Recorded for `--report-only` (shards share DIR and write no summary). Without
            // JSON Lines beside it, a rerun tries the clip again.
            if let stamp { try? ClipSidecar(source: stamp, settings: settings, result: result).write(path: sidecarPath) }
            return ClipReport(clip: clip, status: result.status, result: result, message: result.error)
        }
        guard let stamp else { return failed(MediaError.fileNotFound(clip.path)) }
        var input = analysis.recipe.input
        input.url = clip.path
        input.logLabel = clip.name
        // Each clip decodes on as many threads as it analyses on: with every core running a
        // clip, more decoder threads would only contend.
        input.decoderThreads = workers
        let source: VideoSource
        let run: AnalysisRun
        do {
            try SharedFolder.make((resultPath as NSString).deletingLastPathComponent)
            run = try analysis.reading(input, workers: workers)
            source = try run.openSource(interrupt: interrupt)
        } catch {
            if stop.isRequested { return ClipReport(clip: clip, status: .pending) }
            return failed(error)
        }
        progress.clipOpened(token: token, durationSeconds: source.info.durationSeconds)
        let collector = ScoreCollector(progress: progress, token: token)
        let lines: JSONLinesSink
        do {
            lines = try JSONLinesSink(path: temporary, method: run.recipe.method.rawValue)
        } catch {
            return failed(error)
        }
        let pipeline = run.makePipeline(source: source, sinks: [lines, collector])
        stop.attach(pipeline, token: token)
        var result = ClipResult(status: .ok)
        do {
            _ = try pipeline.run()
        } catch {
            // Frames analysed before a read error are kept: the clip is damaged, not missing.
            // An output failure leaves no trustworthy result.
            guard (collector.summary?.framesAnalysed ?? 0) > 0, !(error is OutputError) else {
                try? FileManager.default.removeItem(atPath: temporary)
                return failed(error)
            }
            (result.errorClass, result.error) = Self.describe(error)
            result.status = .partial
        }
        guard let summary = collector.summary, !summary.interrupted else {
            try? FileManager.default.removeItem(atPath: temporary)
            return ClipReport(clip: clip, status: .pending)
        }
        result.framesDecoded = summary.framesDecoded
        result.framesAnalysed = summary.framesAnalysed
        result.corruptPackets = summary.corruptPackets
        result.decodeErrors = summary.decodeErrors
        if summary.corruptPackets > 0 || summary.decodeErrors > 0 { result.status = .partial }
        result.frameRate = source.info.frameRate
        result.durationSeconds = source.info.durationSeconds
        result.startTimecode = source.info.startTimecode
        do {
            try AtomicFile.commit(temporary, to: resultPath)
            try ClipSidecar(source: stamp, settings: settings, result: result).write(path: sidecarPath)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            return failed(error)
        }
        let scores = ClipScores(frames: collector.frames, frameRate: result.frameRate, startTimecode: result.startTimecode,
                                criteria: criteria, title: clip.name)
        return ClipReport(clip: clip, status: result.status, result: result, message: result.error, scores: scores)
    }

    /// The error's class (`blurd analyze`'s exit code for it) and message.
    static func describe(_ error: Error) -> (Int32, String) {
        if let error = error as? any BlurdError { return (error.exitCode, error.description) }
        return (7, "\(error)")
    }
}
