import ArgumentParser
import Foundation

/// `blurd`: streaming video blur detection.
@main
struct Blurd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blurd",
        abstract: "Streaming video blur detection: per-frame blur masks and sharpness scores.",
        subcommands: [
            AnalyzeCommand.self,
            TriageCommand.self,
            ReportCommand.self,
            SynthCommand.self,
            TrainCommand.self,
            ExportCommand.self,
            EvalCommand.self,
            BenchCommand.self,
            ServeCommand.self,
        ]
    )

    /// Runs the command line. ArgumentParser exits 64 on a malformed command line, while blurd
    /// documents a single usage code, 2, for every argument error (bad syntax or a bad value).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
