import BlurdCore
import Foundation
import Glibc

/// The `mqtt:` block: where `blurd serve` publishes its streams' state, events and snapshots,
/// and under which prefixes (see `MQTTTopics`, `HomeAssistantDiscovery`). Absent = no MQTT.
public struct MQTTConfig: Decodable, Equatable, Sendable {
    /// `mqtt://HOST[:PORT]` (default port 1883) or `mqtts://HOST[:PORT]` (TLS, default 8883).
    public var url: String
    /// mqtts only: the CA certificate file that signs the broker's certificate; nil = the
    /// system's CA directory (/etc/ssl/certs).
    public var caFile: String?
    /// mqtts only: a client certificate and its key, for brokers that authenticate clients so.
    public var certFile: String?
    public var keyFile: String?
    public var username: String?
    /// The file holding the broker password, read like a stream's `password_file`
    /// (`${CREDENTIALS_DIRECTORY}` expanded) at start, `--check` and every reload.
    public var passwordFile: String?
    /// What `passwordFile` held when the configuration was loaded.
    var password: StreamPassword?
    /// The client id, also the instance's name in topics; `%H` = host name, `%s` = shard
    /// index (0 unsharded), `%%` = `%`. Unique per instance: a broker drops the older of two
    /// clients with one id.
    public var clientID = "blurd-%H-%s"
    public var topicPrefix = "blurd"
    /// Home Assistant's discovery prefix; nil (`null` in the file) = no discovery.
    public var discoveryPrefix: String? = "homeassistant"
    /// Seconds between MQTT keep-alive pings; a broker silent 1.5 times this long is gone.
    public var keepaliveSeconds = 30
    /// The wait before the first reconnect after the broker is lost, doubling up to `reconnectMaxSeconds`.
    public var reconnectInitialSeconds = 1.0
    public var reconnectMaxSeconds = 30.0

    public init(url: String) {
        self.url = url
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url
        case caFile = "ca_file"
        case certFile = "cert_file"
        case keyFile = "key_file"
        case username
        case passwordFile = "password_file"
        case clientID = "client_id"
        case topicPrefix = "topic_prefix"
        case discoveryPrefix = "discovery_prefix"
        case keepaliveSeconds = "keepalive_s"
        case reconnect
    }

    enum ReconnectKeys: String, CodingKey, CaseIterable {
        case initialSeconds = "initial_s"
        case maxSeconds = "max_s"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
        certFile = try container.decodeIfPresent(String.self, forKey: .certFile)
        keyFile = try container.decodeIfPresent(String.self, forKey: .keyFile)
        username = try container.decodeIfPresent(String.self, forKey: .username)
        passwordFile = try container.decodeIfPresent(String.self, forKey: .passwordFile)
        clientID = try container.decode(.clientID, default: "blurd-%H-%s")
        topicPrefix = try container.decode(.topicPrefix, default: "blurd")
        // Absent: the default prefix; an explicit null turns discovery off.
        if !container.contains(.discoveryPrefix) {
            discoveryPrefix = "homeassistant"
        } else if try container.decodeNil(forKey: .discoveryPrefix) {
            discoveryPrefix = nil
        } else {
            discoveryPrefix = try container.decode(String.self, forKey: .discoveryPrefix)
        }
        keepaliveSeconds = try container.decode(.keepaliveSeconds, default: 30)
        if container.contains(.reconnect) {
            let reconnect = try container.superDecoder(forKey: .reconnect)
            try reconnect.rejectUnknownKeys(ReconnectKeys.self)
            let fields = try reconnect.container(keyedBy: ReconnectKeys.self)
            reconnectInitialSeconds = try fields.decode(.initialSeconds, default: 1.0)
            reconnectMaxSeconds = try fields.decode(.maxSeconds, default: 30.0)
        }
    }

    /// The broker's address, from `url`.
    public struct Endpoint: Equatable, Sendable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var tls: Bool
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// `url` parsed; throws `ServiceError.config` saying why it cannot be.
    func endpoint() throws -> Endpoint {
        guard let separator = url.range(of: "://") else {
            throw ServiceError.config("url '\(URLRedaction.redact(url))' must be mqtt://HOST[:PORT] or mqtts://HOST[:PORT]")
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "mqtt" || scheme == "mqtts" else {
            throw ServiceError.config("url scheme '\(scheme)' must be mqtt or mqtts")
        }
        var authority = url[separator.upperBound...]
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        if authority.contains("@") {
            throw ServiceError.config("url '\(URLRedaction.redact(url))' has credentials: give username and password_file instead")
        }
        if authority.contains("/") || authority.contains("?") || authority.contains("#") {
            throw ServiceError.config("url '\(url)' must have no path or query")
        }
        let tls = scheme == "mqtts"
        let defaultPort = tls ? 8883 : 1883
        let host: Substring, port: Substring?
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { throw ServiceError.config("url '\(url)': expected [IPv6]:PORT") }
            port = rest.isEmpty ? nil : rest.dropFirst()
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        } else {
            host = authority
            port = nil
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else { throw ServiceError.config("url '\(url)' has no host") }
        var number = defaultPort
        if let port {
            guard let parsed = Int(port), Self.portRange.contains(parsed) else {
                throw ServiceError.config("url '\(url)': the port must be in \(Self.portRange)")
            }
            number = parsed
        }
        return Endpoint(host: String(host), port: number, tls: tls)
    }

    static let portRange = ValueRange<Int>(1...65535)
    /// `keepalive_s`: MQTT's own limit is 65535 s; below 5 s a loaded machine misses pings.
    static let keepaliveRange = ValueRange<Int>(5...65535)
    /// The reconnect waits: up to an hour, so a broker that comes back is found within it.
    static let reconnectSecondsRange = ValueRange<Double>(above: 0, through: 3600)
    /// Topic prefixes and the client id: MQTT allows 65535 bytes; a few hundred is ample.
    static let nameLengthRange = ValueRange<Int>(1...200)

    /// Problems with the values, each as a message; empty when valid.
    func problems() -> [String] {
        var problems: [String] = []
        var tls = false
        do {
            tls = try endpoint().tls
        } catch let ServiceError.config(message) {
            problems.append(message)
        } catch {
            problems.append("\(error)")
        }
        for (key, file) in [("ca_file", caFile), ("cert_file", certFile), ("key_file", keyFile)] {
            guard let file else { continue }
            if !tls {
                problems.append("\(key) applies to mqtts:// URLs only")
            } else if access(file, R_OK) != 0 {
                problems.append("\(key) '\(file)': cannot read: \(String(cString: strerror(errno)))")
            }
        }
        if (certFile == nil) != (keyFile == nil) { problems.append("cert_file and key_file go together") }
        if username?.isEmpty ?? false { problems.append("username is empty") }
        if passwordFile != nil && username == nil { problems.append("password_file needs username") }
        if passwordFile?.isEmpty ?? false { problems.append("password_file is empty") }
        problems += Self.templateProblems(clientID)
        problems += Self.prefixProblems("topic_prefix", topicPrefix)
        if let discoveryPrefix { problems += Self.prefixProblems("discovery_prefix", discoveryPrefix) }
        problems += [Self.keepaliveRange.problem("keepalive_s", keepaliveSeconds),
                     Self.reconnectSecondsRange.problem("reconnect.initial_s", reconnectInitialSeconds),
                     Self.reconnectSecondsRange.problem("reconnect.max_s", reconnectMaxSeconds)].compactMap { $0 }
        if !(reconnectMaxSeconds >= reconnectInitialSeconds) { problems.append("reconnect.max_s must be >= initial_s") }
        return problems.map { "mqtt.\($0)" }
    }

    /// Reads `passwordFile` into `password`; returns what went wrong, or nil.
    mutating func loadPassword(environment: [String: String]) -> String? {
        guard let passwordFile, !passwordFile.isEmpty else { return nil }
        switch StreamPassword.load(passwordFile: passwordFile, environment: environment) {
        case .success(let loaded):
            password = loaded
            return nil
        case .failure(let problem):
            return "mqtt.\(problem.description)"
        }
    }

    /// Characters a client id and a topic level built from it may hold: no MQTT wildcard, no
    /// separator, nothing a shell or Home Assistant's ids would trip on.
    static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "_-.".contains(character))
    }

    private static func templateProblems(_ template: String) -> [String] {
        if let problem = nameLengthRange.problem("client_id length", template.count) { return [problem] }
        var rest = Substring(template)
        while let character = rest.first {
            rest = rest.dropFirst()
            if character == "%" {
                guard let code = rest.first, "Hs%".contains(code) else {
                    return ["client_id '\(template)': '%' must be followed by H (host name), s (shard) or %"]
                }
                rest = rest.dropFirst()
            } else if !isNameCharacter(character) {
                return ["client_id '\(template)' may hold only ASCII letters, digits, '_', '-', '.' and %H, %s, %%"]
            }
        }
        return []
    }

    private static func prefixProblems(_ key: String, _ prefix: String) -> [String] {
        if let problem = nameLengthRange.problem("\(key) length", prefix.count) { return [problem] }
        if prefix.contains(where: { $0 == "+" || $0 == "#" || $0 == "\0" || $0.isWhitespace }) {
            return ["\(key) '\(prefix)' must not contain '+', '#', NUL or whitespace"]
        }
        if prefix.hasPrefix("/") || prefix.hasSuffix("/") || prefix.contains("//") {
            return ["\(key) '\(prefix)' must not start or end with '/' or hold an empty level"]
        }
        return []
    }

    /// `clientID` with `%H`, `%s` and `%%` replaced. The host name's characters outside
    /// `isNameCharacter` become '-', so the id stays a valid topic level.
    func expandedClientID(hostName: String = Self.hostName(), shard: Int = 0) -> String {
        let host = String(hostName.map { Self.isNameCharacter($0) ? $0 : "-" })
        var result = ""
        var rest = Substring(clientID)
        while let character = rest.first {
            rest = rest.dropFirst()
            guard character == "%", let code = rest.first else {
                result.append(character)
                continue
            }
            rest = rest.dropFirst()
            switch code {
            case "H": result += host
            case "s": result += String(shard)
            default: result.append(code)
            }
        }
        return result
    }

    /// This machine's host name (gethostname(2)), "localhost" if it has none.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
