import ArgumentParser

/// `blurd`: streaming video blur detection.
@main
struct Blurd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blurd",
        abstract: "Streaming video blur detection: per-frame blur masks and sharpness scores.",
        subcommands: [
            AnalyzeCommand.self,
            SynthCommand.self,
            TrainCommand.self,
            ExportCommand.self,
            EvalCommand.self,
            ReportCommand.self,
            ServeCommand.self,
        ]
    )
}
