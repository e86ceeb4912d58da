import BlurdPipeline
import Foundation
import Glibc

extension ServiceConfig {
    /// What `blurd serve --check` verifies beyond the values, without running anything: each
    /// stream's model loads and runs (`AnalysisRun`), the directories written to exist and are
    /// writable, and the listen address resolves. Each problem is one message; empty when none.
    public func runtimeProblems() -> [String] {
        var problems: [String] = []
        for (index, stream) in streams.enumerated() {
            let label = "streams[\(index)] (\(stream.name))"
            do {
                _ = try AnalysisRun(recipe: stream.recipe)
            } catch {
                problems.append("\(label): \(error)")
            }
            if let path = stream.outputs.jsonl?.path, !path.isEmpty {
                let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
                if let problem = Self.writableDirectoryProblem(directory) {
                    problems.append("\(label): outputs.jsonl.path '\(path)': directory \(directory) \(problem)")
                }
            }
            if let directory = stream.outputs.recording?.directory, !directory.isEmpty,
               let problem = Self.writableDirectoryProblem(directory) {
                problems.append("\(label): outputs.recording.directory '\(directory)' \(problem)")
            }
        }
        if let stateDirectory, let problem = Self.writableDirectoryProblem(stateDirectory) {
            problems.append("state_dir '\(stateDirectory)' \(problem)")
        }
        if let problem = listen.resolutionProblem() { problems.append("http.listen: \(problem)") }
        return problems
    }

    /// Why files cannot be created in `path`, or nil.
    private static func writableDirectoryProblem(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "does not exist" }
        guard isDirectory.boolValue else { return "is not a directory" }
        // access(2) answers for this process's user, as the daemon will run.
        return access(path, W_OK | X_OK) == 0 ? nil : "is not writable (\(String(cString: strerror(errno))))"
    }
}

extension ListenAddress {
    /// Why the address cannot be listened on by name, or nil: the host must resolve to an
    /// address (the port was checked when it was parsed).
    public func resolutionProblem() -> String? {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        if let result { freeaddrinfo(result) }
        guard status != 0 else { return nil }
        return "cannot resolve host '\(host)': \(String(cString: gai_strerror(status)))"
    }
}
