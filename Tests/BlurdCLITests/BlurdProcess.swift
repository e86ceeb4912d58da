import BlurdTestSupport
import Foundation
import Synchronization
import XCTest

/// Runs the built `blurd` executable with its output captured.
enum BlurdProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    /// Starts `blurd arguments` with stdout and stderr piped, stdin from `input` (default: empty).
    static func start(_ arguments: [String], input: Any = FileHandle.nullDevice) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = try BlurdExecutable.url()
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        return (process, out, err)
    }

    /// Runs to completion.
    static func run(_ arguments: [String], input: Any = FileHandle.nullDevice) throws -> Outcome {
        let (process, out, err) = try start(arguments, input: input)
        // Read stderr on the side so neither pipe can fill up and block the child.
        let errorData = DataBox()
        let errorDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errorData.data.withLock { $0 = data }
            errorDone.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errorDone.wait()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errorData.data.withLock { $0 }, as: UTF8.self))
    }

    /// Bytes filled by a reader thread and read after it signalled.
    private final class DataBox: Sendable {
        let data = Mutex(Data())
    }

    static func json(_ line: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
    }
}
