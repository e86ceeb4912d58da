import ArgumentParser
import BlurdCore
import BlurdMedia
import BlurdService
import Dispatch
import Foundation
import Logging
import Synchronization

/// `blurd serve --config FILE`: the long-running daemon (see docs/SERVICE.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Watch the streams of a YAML config: reconnects, Prometheus metrics, focus events, systemd notify.",
        discussion: """
            SIGHUP reloads the config (a bad one is rejected, the old stays in force); SIGTERM/SIGINT \
            drain the streams and exit 0. Exit codes: 0 clean stop, 1 runtime failure (the HTTP \
            listener), 2 invalid config, log level or listen address, 8 streams not drained within \
            shutdown_timeout_s (their outputs unfinished). Example config: systemd/blurd.yaml. \
            With --shard I/N (or BLURD_SHARD=I/N) the instance watches only the streams that \
            rendezvous hashing of their names gives shard I (docs/SERVICE.md, "Sharding").
            """)

    @Option(help: "The YAML configuration file.")
    var config: String

    @Option(help: "Lowest log level written to stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: ArgumentHelp("Watch only the streams of shard I (0-based) of N, 1 <= N <= 1000; default: BLURD_SHARD from the environment, else all streams.",
                               valueName: "I/N"))
    var shard: String?

    @Flag(help: "Only load and validate the config, then also load each stream's model, check that the output and state directories are writable and that the listen address resolves, and exit (0 valid, 2 invalid).")
    var check = false

    func run() throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            FileHandle.standardError.write(Data("blurd: error: unknown log level '\(logLevel)'\n".utf8))
            throw ExitCode(2)
        }
        let journald = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        LoggingSystem.bootstrap { _ in
            var handler = ServiceLogHandler(journald: journald)
            handler.logLevel = level
            return handler
        }
        // libav*'s own messages (a damaged stream's decode errors) join the journal as entries
        // with priorities, rate-limited, instead of raw stderr lines.
        FFmpegLog.route(to: Logger(label: "ffmpeg"))
        defer { FFmpegLog.flush() }
        let logger = Logger(label: "blurd")
        let server: BlurdServer
        do {
            let environment = ProcessInfo.processInfo.environment
            let shard = try StreamShard.resolve(option: shard, environment: environment)
            server = try BlurdServer(configPath: config, environment: environment, shard: shard, logger: logger)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(2)
        }
        if check {
            let problems = server.checkProblems()
            guard problems.isEmpty else {
                for problem in problems { logger.critical("\(config): \(problem)") }
                throw ExitCode(2)
            }
            logger.notice("\(config): valid")
            return
        }
        // The root command is synchronous; the server runs on Swift concurrency's executor
        // while this thread waits, which needs no main-actor work.
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run()
            } catch {
                outcome.error.withLock { $0 = error }
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error.withLock({ $0 }) {
            logger.critical("\(error)")
            // The daemon's own errors carry their class; anything else is a runtime failure.
            throw ExitCode((error as? any BlurdError)?.exitCode ?? 1)
        }
    }

    /// The server task's error, read after it signalled.
    private final class Outcome: Sendable {
        let error = Mutex<Error?>(nil)
    }
}
