import Foundation
import Glibc
import XCTest

/// A real Eclipse Mosquitto broker for the MQTT tests: its own generated config file on a free
/// loopback port, with persistence (so a restart keeps retained messages and the subscriber's
/// session), stopped with SIGTERM (which saves the persistence file) and started again on the
/// same port. Skips the test when the `mosquitto` binary is not installed.
final class MosquittoBroker {
    let port: Int
    let directory: URL
    private let configPath: String
    private let logPath: String
    private var process: Process?

    /// `passwords`: user → password for a broker that refuses anonymous clients. `tls`: the
    /// listener speaks TLS with this certificate and key (PEM files).
    init(directory: URL, passwords: [String: String]? = nil, tls: (certificate: String, key: String)? = nil) throws {
        self.directory = directory
        // A broker started as root runs as the `mosquitto` user, which must write its
        // persistence file and log here.
        chmod(directory.path, 0o777)
        port = try ServeHarness.freePort(Int32(SOCK_STREAM.rawValue))
        configPath = directory.appendingPathComponent("mosquitto.conf").path
        logPath = directory.appendingPathComponent("mosquitto.log").path
        var config = """
            listener \(port) 127.0.0.1
            \(tls.map { "certfile \($0.certificate)\nkeyfile \($0.key)" } ?? "")
            persistence true
            persistence_location \(directory.path)/
            autosave_interval 1
            autosave_on_changes true
            log_dest file \(logPath)
            log_type all
            max_queued_messages 100000

            """
        if let passwords {
            let passwordFile = directory.appendingPathComponent("passwords").path
            for (index, (user, password)) in passwords.enumerated() {
                try Self.run(Self.tool("mosquitto_passwd"), (index == 0 ? ["-c"] : []) + ["-b", passwordFile, user, password])
            }
            config += "allow_anonymous false\npassword_file \(passwordFile)\n"
        } else {
            config += "allow_anonymous true\n"
        }
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts the broker and waits until it accepts connections.
    func start() throws {
        let process = Process()
        process.executableURL = try Self.tool("mosquitto")
        process.arguments = ["-c", configPath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        guard ServeHarness.waitFor(60, { self.acceptsConnections() }) else {
            throw HarnessError("mosquitto did not listen on \(port); its log:\n\(log)")
        }
    }

    /// SIGTERM (mosquitto saves its persistence file) and waits for the exit.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Makes a certificate authority and a server certificate for localhost and 127.0.0.1 signed
    /// by it, with the openssl CLI; returns the paths (CA certificate, server certificate, key).
    static func makeCertificates(in directory: URL, name: String) throws -> (ca: String, certificate: String, key: String) {
        let openssl = try tool("openssl")
        func path(_ file: String) -> String { directory.appendingPathComponent("\(name)-\(file)").path }
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: path("san.ext"), atomically: true, encoding: .utf8)
        try run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=\(name) test CA",
                          "-keyout", path("ca.key"), "-out", path("ca.crt")])
        try run(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                          "-keyout", path("server.key"), "-out", path("server.csr")])
        try run(openssl, ["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
                          "-CAcreateserial", "-days", "2", "-extfile", path("san.ext"), "-out", path("server.crt")])
        // The broker may run as the `mosquitto` user.
        for file in ["ca.crt", "server.crt", "server.key"] { chmod(path(file), 0o644) }
        return (path("ca.crt"), path("server.crt"), path("server.key"))
    }

    private func acceptsConnections() -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// A Mosquitto tool from PATH or /usr/sbin (where Debian puts the broker); skips without it.
    static func tool(_ name: String) throws -> URL {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin") + ":/usr/sbin:/usr/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw XCTSkip("\(name) is not installed (apt-get install mosquitto mosquitto-clients; scripts/install-deps.sh does)")
    }

    static func run(_ tool: URL, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(tool.lastPathComponent) \(arguments) exited \(process.terminationStatus)")
        }
    }

    deinit { stop() }
}

/// `mosquitto_sub` subscribed to `#` with QoS 1 on a persistent session (it reconnects by
/// itself when the broker comes back, and the broker keeps what it missed): the record of
/// every message, as a consumer sees it.
final class MQTTRecorder {
    /// One received message.
    struct Message {
        var topic: String
        var retained: Bool
        var payload: [UInt8]
        var text: String { String(decoding: payload, as: UTF8.self) }
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] }
    }

    private let process = Process()
    private let outputPath: String

    init(broker: MosquittoBroker, clientID: String) throws {
        outputPath = broker.directory.appendingPathComponent("\(clientID).record").path
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        process.executableURL = try MosquittoBroker.tool("mosquitto_sub")
        // %x: the payload in hex, so JPEG snapshots and empty payloads survive line splitting.
        process.arguments = ["-h", "127.0.0.1", "-p", String(broker.port), "-t", "#", "-q", "1", "-c",
                             "-i", clientID, "-F", "%t\t%r\t%x"]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Every complete line received so far, in order.
    var messages: [Message] {
        guard let text = try? String(contentsOfFile: outputPath, encoding: .utf8) else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // the part after the last line break is not complete yet
        return lines.compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { return nil }
            return Message(topic: String(fields[0]), retained: fields[1] == "1", payload: Self.bytes(hex: fields[2]))
        }
    }

    func messages(on topic: String) -> [Message] { messages.filter { $0.topic == topic } }

    /// The first message a fresh, clean subscriber to `topic` gets within 60 s (the retained
    /// one, when the broker holds one), or nil.
    static func first(on topic: String, broker: MosquittoBroker) throws -> Message? {
        let process = Process()
        process.executableURL = try MosquittoBroker.tool("mosquitto_sub")
        process.arguments = ["-h", "127.0.0.1", "-p", String(broker.port), "-t", topic, "-C", "1", "-W", "60",
                             "-F", "%t\t%r\t%x"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = text.split(separator: "\n").first?.split(separator: "\t", omittingEmptySubsequences: false) ?? []
        guard fields.count == 3 else { return nil }
        return Message(topic: String(fields[0]), retained: fields[1] == "1", payload: bytes(hex: fields[2]))
    }

    private static func bytes(hex: Substring) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
