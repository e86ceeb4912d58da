import ArgumentParser
import BlurdCore
import BlurdMedia
import BlurdOutput
import BlurdAnalysis
import BlurdPipeline
import BlurdSegmenter
import Foundation

/// `blurd analyze INPUT`: decode a video, judge every sampled frame, write JSON Lines.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse a video file or stream: one JSON line per frame, then a summary.",
        discussion: """
            Exit codes: 0 success (also after SIGINT/SIGTERM), 2 bad arguments, 3 file not found, \
            4 cannot open input, 5 no video stream, 6 unsupported codec, 7 read/decode failure, \
            8 output failure. Schema: docs/JSONL.md.

            On a terminal, a run longer than a second shows a live line on stderr (frames, fps, \
            elapsed, ETA when the input's length is known), erased before the summary; not when \
            the JSON Lines go to the same terminal, and never off a terminal.
            """)

    @Argument(help: "A file path or any FFmpeg URL (rtsp://, http(s)://, udp://, pipe:0, a device).")
    var input: String

    @Option(name: .shortAndLong, help: "Write JSON Lines to this file instead of standard output.")
    var output: String?

    @Option(help: "Also write each frame's blur probability map as frame_NNNNNN.pgm in this directory.")
    var masks: String?

    @OptionGroup var analysis: AnalysisOptions

    @Option(parsing: .unconditional, help: "Analysis workers (default: the active core count).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "When analysis falls behind: block (lose nothing) or drop-oldest (bounded latency). Default: drop-oldest for live inputs, block for files.")
    var dropPolicy: String?

    @Option(parsing: .unconditional, help: "Frames buffered between decoder and workers (default: 2 × workers + 2).")
    var ringCapacity: Int?

    @Option(help: "Write an annotated video here: full-resolution frames with the blur overlay, score, timecode and gauge; audio copied.")
    var annotate: String?

    @Option(help: "Encoder for --annotate (any libavcodec video encoder).")
    var annotateCodec: String = "libx264"

    @Option(parsing: .unconditional, help: "Constant rate factor for --annotate with libx264.")
    var annotateCrf: Int = 20

    @Option(help: "Also write each frame's blur map at source size as frame_NNNNNN.png in this directory.")
    var masksFull: String?

    @Option(help: "Also write the blur maps at source size as a grey video (255 = blurred).")
    var maskVideo: String?

    @Option(help: "Encoder for --mask-video: ffv1 (lossless) or libx264.")
    var maskVideoCodec: String = "ffv1"

    @Option(help: "At the end, write the soft-shot report as PREFIX.csv, PREFIX.edl and PREFIX.svg.")
    var reportPrefix: String?

    @OptionGroup(title: "Soft-shot report (--report-prefix)") var softShots: SoftShotOptions

    func run() throws {
        do {
            try analyze()
        } catch let error as BlurdError {
            throw fail(error)
        }
    }

    private func analyze() throws {
        let run = try AnalysisRun(recipe: makeRecipe())
        // Signals are caught before the input opens, so that one arriving while it blocks there
        // (a pipe with no data yet) also ends the run with a summary and exit 0.
        let stop = AnalyzeStop()
        let signals = StopSignals { _ in stop.stop() }
        defer { withExtendedLifetime(signals) {} }
        let opening = Date()
        let source: VideoSource
        do {
            source = try run.openSource(copyAudio: annotate != nil, interrupt: stop.interrupt)
        } catch where stop.isRequested {
            let summary = RunSummary(framesDecoded: 0, framesAnalysed: 0, framesDropped: 0, corruptPackets: 0,
                                     decodeErrors: 0, noTextureFrames: 0,
                                     elapsedSeconds: Date().timeIntervalSince(opening), interrupted: true)
            try makeJSONLinesSink(run.recipe.method).finish(summary)
            writeSummary(summary)
            return
        }
        var sinks = try makeSinks(source: source, method: run.recipe.method)
        let progress = makeProgress(source: source, input: run.recipe.input)
        if let progress { sinks.append(progress.sink) }
        let pipeline = run.makePipeline(source: source, sinks: sinks)
        // A closed output pipe must surface as a write error, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        stop.attach(pipeline)
        let summary: RunSummary
        do {
            progress?.ticker.start()
            // The live line is erased before the summary or an error message is written.
            defer { progress?.ticker.finish() }
            summary = try pipeline.run()
        }
        if let start = analysis.start, summary.framesAnalysed == 0, let end = source.info.durationSeconds, start >= end {
            FFmpegLog.flush()
            let note = "blurd: note: --start \(String(format: "%g", start)) s is beyond the input's end (\(String(format: "%.1f", end)) s); "
                + "no frame analysed\n"
            FileHandle.standardError.write(Data(note.utf8))
        }
        writeSummary(summary)
    }

    /// The live line on a terminal, drawn only when standard error is one and the JSON Lines do
    /// not go to the same screen, from the second second on (a short run shows nothing); nil
    /// otherwise, so that off a terminal nothing changes.
    private func makeProgress(source: VideoSource, input: VideoSourceOptions) -> (sink: FrameProgressSink, ticker: ProgressTicker)? {
        guard ProgressMode.automatic() == .live, output != nil || isatty(1) == 0 else { return nil }
        let start = input.start ?? 0
        var end = source.info.durationSeconds
        if let duration = input.duration { end = min(end ?? .infinity, start + duration) }
        let sink = FrameProgressSink(start: start, end: end)
        return (sink, ProgressTicker(mode: .live, delay: 1) { _ in sink.line() })
    }

    /// The run's recipe from the options; throws `MediaError.invalidOption` for a bad name.
    func makeRecipe() throws -> AnalysisRecipe {
        var recipe = try analysis.makeRecipe(url: input)
        if annotate != nil, let problem = VideoWriterOptions.crfRange(encoder: annotateCodec)?
            .problem("--annotate-crf for \(annotateCodec)", annotateCrf) {
            throw MediaError.invalidOption(problem)
        }
        recipe.workers = workers
        recipe.ringCapacity = ringCapacity
        recipe.dropPolicy = try dropPolicy.map { name in
            guard let policy = DropPolicy(rawValue: name) else {
                throw MediaError.invalidOption("unknown drop policy '\(name)' (block or drop-oldest)")
            }
            return policy
        }
        return recipe
    }

    /// JSON Lines first, then every output the options ask for.
    private func makeSinks(source: VideoSource, method: AnalysisMethod) throws -> [FrameSink] {
        var sinks: [FrameSink] = [try makeJSONLinesSink(method)]
        if let masks { sinks.append(try MaskDirectorySink(directory: masks)) }
        if let annotate {
            sinks.append(try AnnotatedVideoSink(path: annotate, source: source, audio: AudioPacketQueue.attached(to: source),
                                                codec: annotateCodec, crf: annotateCrf))
        }
        if let masksFull {
            sinks.append(try FullResolutionMaskSink(directory: masksFull, width: source.info.width, height: source.info.height))
        }
        if let maskVideo { sinks.append(try MaskVideoSink(path: maskVideo, stream: source.info, codec: maskVideoCodec)) }
        if let reportPrefix {
            let title = URL(fileURLWithPath: input).lastPathComponent
            sinks.append(try SoftShotReportSink(prefix: reportPrefix, title: title, frameRate: source.info.frameRate,
                                                criteria: softShots.makeCriteria(), startTimecode: source.info.startTimecode))
        }
        return sinks
    }

    private func makeJSONLinesSink(_ method: AnalysisMethod) throws -> JSONLinesSink {
        if let output { return try JSONLinesSink(path: output, method: method.rawValue) }
        return JSONLinesSink(method: method.rawValue)
    }

    /// The run's one-line summary on stderr, after the counts of FFmpeg messages held back by
    /// the rate limit (otherwise lost at exit), so that it stays the last line.
    private func writeSummary(_ summary: RunSummary) {
        FFmpegLog.flush()
        let timing = String(format: "%.2f s, %.1f fps", summary.elapsedSeconds, summary.fps)
        let line = "blurd: \(summary.framesDecoded) frames decoded, \(summary.framesAnalysed) analysed, "
            + "\(summary.framesDropped) dropped, \(summary.corruptPackets) corrupt packets, "
            + "\(summary.noTextureFrames) no_texture, \(timing)"
            + (summary.interrupted ? " (interrupted)\n" : "\n")
        FileHandle.standardError.write(Data(line.utf8))
    }
}
