import ArgumentParser

/// `blurd`: streaming video blur detection.
@main
struct Blurd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blurd",
        abstract: "Streaming video blur detection: per-frame blur masks and sharpness scores.",
        subcommands: [
            AnalyzeCommand.self,
            ReportCommand.self,
            SynthCommand.self,
            TrainCommand.self,
            ExportCommand.self,
            EvalCommand.self,
            BenchCommand.self,
            ServeCommand.self,
        ]
    )
}
