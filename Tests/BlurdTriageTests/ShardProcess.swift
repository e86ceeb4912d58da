import BlurdTestSupport
import BlurdTriage
import Foundation
import XCTest

/// A `blurd triage` process of the shard tests, its output going to files (nothing can fill up
/// and block it), which a test can catch in the middle of a clip and stop.
final class ShardProcess {
    let process = Process()
    private let stdoutPath: String
    private let stderrPath: String

    /// Starts `blurd arguments`; its output goes to files under `scratch`.
    init(_ arguments: [String], scratch: String, name: String) throws {
        stdoutPath = scratch + "/" + name + ".out"
        stderrPath = scratch + "/" + name + ".err"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = try BlurdExecutable.url()
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Runs `blurd arguments` to its end.
    static func run(_ arguments: [String], scratch: String, name: String) throws -> (status: Int32, stderr: String) {
        let run = try ShardProcess(arguments, scratch: scratch, name: name)
        return (run.wait(), run.stderr)
    }

    @discardableResult
    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM while the process is, verifiably, in the middle of a clip `mine` accepts,
    /// with at least `framesLeft` of its frames still to write: whenever such a clip's JSON
    /// Lines exist under their temporary name in `clips`, the process is frozen (SIGSTOP) and
    /// the file read (its lines are written unbuffered); with fewer than `framesBefore` frame
    /// lines in it, the clip's pipeline has that much work left, far more than the signal
    /// takes to reach it once the process is thawed (SIGCONT). Returns the clip's name; throws
    /// when the process ends (or 180 s pass) before it is caught.
    func terminateMidClip(clips: String, framesBefore: Int, mine: (String) -> Bool) throws -> String {
        let deadline = Date(timeIntervalSinceNow: 180)
        while process.isRunning, Date() < deadline {
            if let clip = Self.unfinishedClips(under: clips).first(where: mine) {
                kill(process.processIdentifier, SIGSTOP)
                if let written = Self.framesWritten(clips + "/" + clip + ".jsonl.tmp"), written < framesBefore {
                    kill(process.processIdentifier, SIGTERM)
                    kill(process.processIdentifier, SIGCONT)
                    return clip
                }
                kill(process.processIdentifier, SIGCONT)
            }
            // Polling the file system for the condition, not waiting for time to pass.
            usleep(2000)
        }
        throw NotCaughtMidClip(stderr: stderr)
    }

    /// Frame lines in a JSON Lines file; nil when it is gone (renamed: the clip is complete).
    static func framesWritten(_ path: String) -> Int? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("{\"frame\"") }.count
    }

    struct NotCaughtMidClip: Error {
        var stderr: String
    }

    /// Clip names (`ROOT/RELATIVE`) whose JSON Lines are being written under `clips`.
    static func unfinishedClips(under clips: String) -> [String] {
        let suffix = ".jsonl.tmp"
        let files = FileManager.default.enumerator(atPath: clips)?.allObjects as? [String] ?? []
        return files.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) }
    }
}
