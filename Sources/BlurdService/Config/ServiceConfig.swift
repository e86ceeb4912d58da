import BlurdCore
import Foundation
import Yams

/// The whole `blurd serve` configuration file (YAML). Example: systemd/blurd.yaml.
public struct ServiceConfig: Decodable, Equatable, Sendable {
    /// The monitoring HTTP listener (/metrics, /healthz), "HOST:PORT" or "[IPv6]:PORT".
    public var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9464)
    /// On SIGTERM the streams have this long to drain and flush before the daemon gives up.
    public var shutdownTimeoutSeconds: Double = 10
    /// Where the daemon keeps state across restarts (the streams' learned baselines,
    /// `BaselineStore`); nil = nothing persists. Defaults to `$STATE_DIRECTORY`, which systemd
    /// sets from `StateDirectory=`.
    public var stateDirectory: String?
    /// Where the streams' state and events are published over MQTT; nil = nowhere.
    public var mqtt: MQTTConfig?
    public var streams: [StreamConfig]

    public init(streams: [StreamConfig], listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9464),
                shutdownTimeoutSeconds: Double = 10, stateDirectory: String? = nil) {
        self.streams = streams
        self.listen = listen
        self.shutdownTimeoutSeconds = shutdownTimeoutSeconds
        self.stateDirectory = stateDirectory
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case http
        case shutdownTimeoutSeconds = "shutdown_timeout_s"
        case stateDirectory = "state_dir"
        case mqtt
        case streams
    }

    enum HTTPKeys: String, CodingKey, CaseIterable {
        case listen
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.http) {
            let http = try container.superDecoder(forKey: .http)
            try http.rejectUnknownKeys(HTTPKeys.self)
            let fields = try http.container(keyedBy: HTTPKeys.self)
            if let text = try fields.decodeIfPresent(String.self, forKey: .listen) {
                do {
                    listen = try ListenAddress(parsing: text)
                } catch let error as ServiceError {
                    throw DecodingError.dataCorrupted(DecodingError.Context(
                        codingPath: fields.codingPath + [HTTPKeys.listen], debugDescription: error.description))
                }
            }
        }
        shutdownTimeoutSeconds = try container.decode(.shutdownTimeoutSeconds, default: 10)
        stateDirectory = try container.decodeIfPresent(String.self, forKey: .stateDirectory)
        mqtt = try container.decodeIfPresent(MQTTConfig.self, forKey: .mqtt)
        streams = try container.decode([StreamConfig].self, forKey: .streams)
    }

    /// Reads and validates a configuration file; `environment` supplies the default `state_dir`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> ServiceConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ServiceError.config("cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try parse(yaml: text, environment: environment)
        } catch let ServiceError.config(message) {
            throw ServiceError.config("\(path): \(message)")
        }
    }

    /// Parses and validates YAML text; every error names the offending key path. Without a
    /// `state_dir` key, `environment["STATE_DIRECTORY"]` (its first entry) is the state directory.
    /// Streams' `password_file`s are read here, with `environment["CREDENTIALS_DIRECTORY"]`.
    public static func parse(yaml: String, environment: [String: String] = [:]) throws -> ServiceConfig {
        var config: ServiceConfig
        do {
            config = try YAMLDecoder().decode(ServiceConfig.self, from: yaml)
        } catch let error as DecodingError {
            throw ServiceError.config(echoed(describe(error)))
        } catch let error as YamlError {
            throw ServiceError.config(echoed("not valid YAML: \(error)"))
        }
        var problems = config.problems()
        for index in config.streams.indices {
            if let problem = config.streams[index].loadPassword(environment: environment) {
                problems.append("streams[\(index)] (\(config.streams[index].name)): \(problem)")
            }
        }
        if let problem = config.mqtt?.loadPassword(environment: environment) { problems.append(problem) }
        // systemd joins several StateDirectory= entries with ':'; blurd's unit sets one.
        if config.stateDirectory == nil,
           let fromEnvironment = environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init) {
            if let problem = directoryProblem(fromEnvironment) {
                problems.append("state_dir (default: $STATE_DIRECTORY) '\(fromEnvironment)': \(problem)")
            }
            config.stateDirectory = fromEnvironment
        }
        guard problems.isEmpty else { throw ServiceError.config(problems.joined(separator: "; ")) }
        return config
    }

    /// `shutdownTimeoutSeconds`: systemd's own stop timeout is 90 s by default; an hour is ample.
    static let shutdownTimeoutRange = ValueRange<Double>(above: 0, through: 3600)

    /// Problems with the values across streams, each as a message; empty when valid.
    func problems() -> [String] {
        var problems: [String] = []
        if streams.isEmpty { problems.append("streams: at least one stream is needed") }
        if let problem = Self.shutdownTimeoutRange.problem("shutdown_timeout_s", shutdownTimeoutSeconds) {
            problems.append(problem)
        }
        if let stateDirectory, let problem = Self.directoryProblem(stateDirectory) {
            problems.append("state_dir '\(stateDirectory)': \(problem)")
        }
        problems += mqtt?.problems() ?? []
        var names = Set<String>(), paths = Set<String>()
        for (index, stream) in streams.enumerated() {
            let label = "streams[\(index)] (\(stream.name))"
            problems += stream.problems().map { "\(label): \($0)" }
            if !names.insert(stream.name).inserted { problems.append("\(label): duplicate stream name '\(stream.name)'") }
            if let path = stream.outputs.jsonl?.path, !paths.insert(path).inserted {
                problems.append("\(label): outputs.jsonl.path '\(path)' is used by another stream")
            }
        }
        return problems
    }

    /// Why `path` cannot be the state directory, or nil. Checked at load, so `--check` reports
    /// it; whether files can be written there shows only when the first baseline is saved.
    private static func directoryProblem(_ path: String) -> String? {
        if path.isEmpty { return "empty" }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such directory" }
        return isDirectory.boolValue ? nil : "not a directory"
    }

    /// The longest error message echoed from the parser: a file nested thousands deep makes
    /// its key path as long.
    static let echoLimit = 500

    /// A parser's message as one line of at most `echoLimit` characters, URLs' userinfo
    /// redacted: Yams quotes the offending line of the file, which may be a URL with a password.
    private static func echoed(_ message: String) -> String {
        let line = URLRedaction.redact(message).split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count <= echoLimit ? line : line.prefix(echoLimit) + " …"
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [CodingKey]) -> String {
            let text = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "<top>" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing required key"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            if let yaml = context.underlyingError as? YamlError { return "not valid YAML: \(yaml)" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// A host and port to listen on.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses "HOST:PORT" or "[IPV6]:PORT".
    public init(parsing text: String) throws {
        let host: Substring, port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ServiceError.listenAddress("'\(text)' needs [HOST]:PORT") }
            port = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw ServiceError.listenAddress("'\(text)' needs HOST:PORT")
            }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw ServiceError.listenAddress("'\(text)' has no host") }
        guard let number = Int(port), (1...65535).contains(number) else {
            throw ServiceError.listenAddress("'\(text)' has no port in 1...65535")
        }
        self.host = String(host)
        self.port = number
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
