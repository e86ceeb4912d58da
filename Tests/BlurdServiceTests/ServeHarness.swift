import BlurdTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Synchronization
import XCTest

/// Real parts for the end-to-end service tests, all on 127.0.0.1: `blurd serve` as systemd
/// runs it, an `ffmpeg` CLI live source, free ports, HTTP scrapes.
enum ServeHarness {
    /// `blurd serve --config configPath`, not yet started, talking systemd's protocol to
    /// `notify` with the given watchdog interval and appending its log to `logPath`.
    static func serveDaemon(configPath: String, notify: NotifySocket, watchdogMicroseconds: Int,
                            logPath: String) throws -> Process {
        let daemon = Process()
        daemon.executableURL = try BlurdExecutable.url()
        daemon.arguments = ["serve", "--config", configPath]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.environmentValue
        environment["WATCHDOG_USEC"] = String(watchdogMicroseconds)
        daemon.environment = environment
        // O_APPEND: the daemon's writes and the test's reads of the log never race on an offset.
        let logDescriptor = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logDescriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        daemon.standardError = FileHandle(fileDescriptor: logDescriptor, closeOnDealloc: true)
        daemon.standardOutput = FileHandle.nullDevice
        return daemon
    }

    /// Encodes `frames` frames of ffmpeg's sharp `testsrc2` pattern as MPEG-2 into `path`.
    static func makeTestClip(at path: String, width: Int, height: Int, frames: Int, filter: String? = nil) throws {
        let encode = Process()
        encode.executableURL = try ffmpeg()
        encode.arguments = ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=\(width)x\(height):rate=25"]
            + (filter.map { ["-vf", $0] } ?? []) + ["-frames:v", String(frames), "-c:v", "mpeg2video", path]
        try encode.run()
        encode.waitUntilExit()
        guard encode.terminationStatus == 0 else {
            throw POSIXError(.EIO, userInfo: [NSLocalizedDescriptionKey: "ffmpeg could not make \(path)"])
        }
    }

    static func ffmpeg() throws -> URL {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("ffmpeg")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw XCTSkip("the ffmpeg CLI is not installed")
    }

    /// A port the kernel just handed out for `type` (SOCK_DGRAM or SOCK_STREAM) on 127.0.0.1.
    static func freePort(_ type: Int32) throws -> Int {
        let descriptor = socket(AF_INET, type, 0)
        guard descriptor >= 0 else { throw HarnessError("socket failed") }
        defer { close(descriptor) }
        guard let port = LoopbackSocket.bindToFreePort(descriptor) else {
            throw HarnessError("bind failed: \(String(cString: strerror(errno)))")
        }
        return Int(port)
    }

    /// `ffmpeg -re` sending a 25 fps test pattern as MPEG-TS over UDP to 127.0.0.1:`port`.
    static func startSender(port: Int) throws -> Process {
        let process = Process()
        process.executableURL = try ffmpeg()
        process.arguments = ["-nostdin", "-loglevel", "error", "-re", "-f", "lavfi",
                             "-i", "testsrc2=size=320x240:rate=25", "-c:v", "mpeg2video", "-g", "12",
                             "-f", "mpegts", "udp://127.0.0.1:\(port)?pkt_size=1316"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Body of `GET http://127.0.0.1:port/path` with its status, or nil if the request failed.
    static func get(port: Int, path: String) -> (status: Int, body: String)? {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.timeoutInterval = 5
        URLSession.shared.dataTask(with: request) { data, response, _ in
            if let response = response as? HTTPURLResponse, let data {
                let body = String(decoding: data, as: UTF8.self)
                box.value.withLock { $0 = (response.statusCode, body) }
            }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 10)
        return box.value.withLock { $0 }
    }

    /// Prometheus text format: "name{labels}" → value, for every sample line.
    static func parseMetrics(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    static func metrics(port: Int) -> [String: Double] {
        guard let (status, body) = get(port: port, path: "/metrics"), status == 200 else { return [:] }
        return parseMetrics(body)
    }

    /// Polls `condition` every 0.2 s for at most `timeout` seconds.
    @discardableResult
    static func waitFor(_ timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return condition()
    }

    /// Resident set size of `pid` in KiB, from /proc.
    static func residentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(separator: " ")[1])
    }

    private final class ResultBox: Sendable {
        let value = Mutex<(Int, String)?>(nil)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
