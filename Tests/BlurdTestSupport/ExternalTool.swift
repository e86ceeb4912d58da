import Foundation

/// Command-line tools (ffmpeg, ffprobe) run as subprocesses: independent references and media
/// BlurdMedia does not make itself.
public enum ExternalTool {
    /// Runs `tool` from PATH with `arguments` and returns its stdout (stderr is discarded);
    /// throws when it cannot start or exits non-zero.
    @discardableResult
    public static func output(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "ExternalTool", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(tool) \(arguments) exited \(process.terminationStatus)"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
