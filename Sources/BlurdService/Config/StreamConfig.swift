import BlurdAnalysis
import BlurdCore
import BlurdMedia
import BlurdPipeline
import BlurdSegmenter
import Foundation
import Glibc

/// One camera or stream the daemon watches. Two configs that compare equal describe the same
/// running stream, which is how a reload decides what to leave alone; the password read from
/// `password_file` is part of the comparison, so a reload after the file changed restarts the
/// stream with the new password.
public struct StreamConfig: Decodable, Equatable, Sendable {
    /// Unique name: the metric label, the log label, and the `stream` field of output lines.
    public var name: String
    /// Any FFmpeg URL (rtsp://, http(s)://, udp://, srt://, …), a file path, or a device.
    /// Credentials may be written in it (`rtsp://user:pass@cam/…`), or given as `username` and
    /// `passwordFile` instead, which keeps the secret out of the config file.
    public var url: String
    /// The user name put into the URL handed to FFmpeg; nil = none.
    public var username: String?
    /// The file holding the password put into the URL handed to FFmpeg (its trailing line
    /// break dropped); `$CREDENTIALS_DIRECTORY` or `${CREDENTIALS_DIRECTORY}` in the path is
    /// replaced by that environment variable, where systemd's `LoadCredential=` puts files.
    /// Read when the configuration is loaded (start and reload) by `loadPassword`.
    public var passwordFile: String?
    /// What `passwordFile` held when the configuration was loaded.
    var password: StreamPassword?
    /// Forces an input format ("mpegts", "v4l2", …); nil = probe.
    public var format: String?
    /// Long side of the analysis frames in pixels; nil = the stream's full resolution.
    public var analysisSize: Int? = VideoSourceOptions.defaultAnalysisLongSide
    public var sampling = SamplingConfig()
    /// Defaults to cnn, as `blurd analyze` does: the int8 net costs a few ms per 640×360 frame.
    public var method: String = AnalysisMethod.cnn.rawValue
    /// Model file for method cnn; nil = the model built into blurd.
    public var model: String?
    /// Arithmetic of method cnn: int8 or fp32.
    public var precision = "int8"
    /// Analysis workers of this stream's pipeline.
    public var workers: Int = 1
    /// Open and read timeout: a live source silent for this long counts as lost, in seconds.
    public var timeoutSeconds: Double = 10
    public var reconnect = ReconnectPolicy()
    public var thresholds = FocusThresholds()
    /// When frames count as the camera's colour or infrared mode, each with its own baseline.
    public var dayNight = DayNightSettings()
    public var outputs = OutputsConfig()

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, url, username
        case passwordFile = "password_file"
        case format
        case analysisSize = "analysis_size"
        case sampling, method, model, precision, workers
        case timeoutSeconds = "timeout_s"
        case reconnect, thresholds, outputs
        case dayNight = "day_night"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        url = try container.decode(String.self, forKey: .url)
        username = try container.decodeIfPresent(String.self, forKey: .username)
        passwordFile = try container.decodeIfPresent(String.self, forKey: .passwordFile)
        format = try container.decodeIfPresent(String.self, forKey: .format)
        // "full" (or null) analyses at the stream's own resolution.
        if (try? container.decodeNil(forKey: .analysisSize)) == true
            || (try? container.decode(String.self, forKey: .analysisSize)) == "full" {
            analysisSize = nil
        } else {
            analysisSize = try container.decode(.analysisSize, default: VideoSourceOptions.defaultAnalysisLongSide)
        }
        sampling = try container.decode(.sampling, default: SamplingConfig())
        method = try container.decode(.method, default: AnalysisMethod.cnn.rawValue)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        precision = try container.decode(.precision, default: "int8")
        workers = try container.decode(.workers, default: 1)
        timeoutSeconds = try container.decode(.timeoutSeconds, default: 10)
        reconnect = try container.decode(.reconnect, default: ReconnectPolicy())
        thresholds = try container.decode(.thresholds, default: FocusThresholds())
        dayNight = try container.decode(.dayNight, default: DayNightSettings())
        outputs = try container.decode(.outputs, default: OutputsConfig())
    }

    /// The URL schemes accepted besides plain paths, "pipe:" and devices.
    static let schemes: Set<String> = ["rtsp", "rtsps", "rtmp", "rtmps", "http", "https", "udp", "rtp", "srt",
                                       "tcp", "file", "hls"]

    /// Problems with the values, each as a message; empty when valid.
    func problems() -> [String] {
        var problems: [String] = []
        if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) {
            problems.append("name '\(name)' must be non-empty ASCII letters, digits, '_', '-' or '.'")
        }
        if let reason = Self.urlProblem(url) { problems.append("url '\(URLRedaction.redact(url))': \(reason)") }
        problems += credentialProblems()
        if let analysisSize, !VideoSourceOptions.analysisLongSideRange.contains(analysisSize) {
            problems.append("analysis_size must be in \(VideoSourceOptions.analysisLongSideRange) or 'full', got \(analysisSize)")
        }
        if AnalysisMethod(rawValue: method) == nil {
            let known = AnalysisMethod.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append("unknown method '\(method)' (known: \(known))")
        }
        if Segmenter.Precision(rawValue: precision) == nil {
            problems.append("precision must be int8 or fp32, got '\(precision)'")
        }
        if model != nil && method != AnalysisMethod.cnn.rawValue { problems.append("model applies to method cnn only") }
        // The ranges of `blurd analyze`'s options, so that a stream runs what analyze would.
        problems += [AnalysisRecipe.workersRange.problem("workers", workers),
                     VideoSourceOptions.timeoutRange.problem("timeout_s", timeoutSeconds)].compactMap { $0 }
        problems += sampling.problems() + reconnect.problems() + thresholds.problems() + dayNight.problems() + outputs.problems()
        return problems
    }

    private static func urlProblem(_ url: String) -> String? {
        if url.isEmpty { return "empty" }
        if url.contains(where: { $0.isWhitespace }) { return "contains whitespace" }
        if url.hasPrefix("/") || url.hasPrefix("pipe:") { return nil }
        guard let separator = url.range(of: "://") else {
            return "not an absolute path, pipe: or scheme://… URL"
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard schemes.contains(scheme) else {
            return "unsupported scheme '\(scheme)' (known: \(schemes.sorted().joined(separator: ", ")))"
        }
        if url[separator.upperBound...].isEmpty { return "no host or path after '\(scheme)://'" }
        return nil
    }

    private func credentialProblems() -> [String] {
        guard username != nil || passwordFile != nil else { return [] }
        var problems: [String] = []
        if URLRedaction.removingUserinfo(url) != url {
            problems.append("url has credentials ('user:password@') and username or password_file gives them "
                            + "again: keep one of the two")
        } else if !url.contains("://") {
            problems.append("username and password_file apply to scheme://… URLs only")
        }
        if username?.isEmpty ?? false { problems.append("username is empty") }
        if passwordFile != nil && username == nil { problems.append("password_file needs username") }
        if passwordFile?.isEmpty ?? false { problems.append("password_file is empty") }
        return problems
    }

    /// Reads `passwordFile` into `password`; returns what went wrong, or nil. The message names
    /// the file, never its content.
    mutating func loadPassword(environment: [String: String]) -> String? {
        guard let passwordFile, !passwordFile.isEmpty else { return nil }
        switch StreamPassword.load(passwordFile: passwordFile, environment: environment) {
        case .success(let loaded):
            password = loaded
            return nil
        case .failure(let problem):
            return problem.description
        }
    }

    /// The URL handed to FFmpeg: `url` with `username` and the password as its userinfo,
    /// percent-encoded. Nothing may print it; `url` is what names the stream in messages.
    var connectionURL: String {
        guard let username, let separator = url.range(of: "://") else { return url }
        var userinfo = Self.percentEncoded(username)
        if let password { userinfo += ":" + Self.percentEncoded(password.value) }
        return String(url[..<separator.upperBound]) + userinfo + "@" + url[separator.upperBound...]
    }

    /// Everything but RFC 3986's unreserved characters encoded, so that ':', '@', '/' and the
    /// rest stay inside the userinfo; FFmpeg decodes the userinfo before authenticating.
    private static func percentEncoded(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// How this stream is analysed. Drop policy: the opened input's answer (a live camera
    /// drops the oldest frame, a file blocks); the daemon's streams take the default tile size.
    public var recipe: AnalysisRecipe {
        var input = VideoSourceOptions(url: connectionURL)
        input.format = format
        input.analysisLongSide = analysisSize
        input.every = sampling.every
        input.fps = sampling.fps
        input.keyframesOnly = sampling.keyframesOnly
        input.timeoutSeconds = timeoutSeconds
        input.logLabel = name
        var recipe = AnalysisRecipe(input: input)
        recipe.method = AnalysisMethod(rawValue: method) ?? .cnn
        recipe.model = model.map { .file($0) } ?? .builtIn
        recipe.precision = Segmenter.Precision(rawValue: precision) ?? .int8
        recipe.workers = workers
        return recipe
    }
}

/// A stream's password, read from its `password_file`: compared by a reload, handed to FFmpeg
/// inside the URL, and never printed, dumped or mirrored (its descriptions say "***").
struct StreamPassword: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String

    /// The file's text without its trailing line breaks. A file larger than 4 KiB is not a
    /// password (and `/dev/zero` by mistake must not hang the load).
    init(contentsOfFile path: String) throws {
        let limit = 4096
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Problem("cannot read: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw Problem("cannot read: \(String(cString: strerror(errno)))") }
            if got == 0 { break }
            count += got
        }
        guard count <= limit else { throw Problem("larger than \(limit) bytes, not a password") }
        guard let text = String(validating: bytes[..<count], as: UTF8.self) else { throw Problem("not UTF-8 text") }
        var value = Substring(text)
        while value.last?.isNewline ?? false { value.removeLast() }
        guard !value.isEmpty else { throw Problem("holds no password") }
        self.value = String(value)
    }

    /// Reads a `password_file` (a stream's or the MQTT broker's): `$CREDENTIALS_DIRECTORY` or
    /// `${CREDENTIALS_DIRECTORY}` in the path is replaced by that environment variable, where
    /// systemd's `LoadCredential=` puts files. The failure names the file, never its content.
    static func load(passwordFile: String, environment: [String: String]) -> Result<StreamPassword, Problem> {
        var path = passwordFile
        // Only this variable: it is how systemd's LoadCredential= names the files' directory.
        for reference in ["${CREDENTIALS_DIRECTORY}", "$CREDENTIALS_DIRECTORY"] where path.contains(reference) {
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                return .failure(Problem("password_file '\(passwordFile)': $CREDENTIALS_DIRECTORY is not set "
                                        + "(systemd sets it for a unit with LoadCredential=)"))
            }
            path = path.replacingOccurrences(of: reference, with: directory)
        }
        do {
            return .success(try StreamPassword(contentsOfFile: path))
        } catch {
            return .failure(Problem("password_file '\(passwordFile)'\(path == passwordFile ? "" : " (\(path))"): \(error)"))
        }
    }

    var description: String { URLRedaction.mask }
    var debugDescription: String { URLRedaction.mask }
    var customMirror: Mirror { Mirror(self, children: []) }

    /// Why the file is no password, without its content.
    struct Problem: Error, Equatable, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// Which decoded frames are analysed.
public struct SamplingConfig: Decodable, Equatable, Sendable {
    /// Analyse every Nth frame.
    public var every: Int = 1
    /// Analyse at most this many frames per second; nil = no limit.
    public var fps: Double?
    /// Decode key frames only: the cheapest way to watch many cameras.
    public var keyframesOnly = false

    public init(every: Int = 1, fps: Double? = nil, keyframesOnly: Bool = false) {
        self.every = every
        self.fps = fps
        self.keyframesOnly = keyframesOnly
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case every, fps
        case keyframesOnly = "keyframes_only"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        every = try container.decode(.every, default: 1)
        fps = try container.decodeIfPresent(Double.self, forKey: .fps)
        keyframesOnly = try container.decode(.keyframesOnly, default: false)
    }

    func problems() -> [String] {
        [VideoSourceOptions.everyRange.problem("sampling.every", every),
         fps.flatMap { VideoSourceOptions.fpsRange.problem("sampling.fps", $0) }].compactMap { $0 }
    }
}

/// Where a stream's lines go. Every line carries the stream's name.
public struct OutputsConfig: Decodable, Equatable, Sendable {
    /// A JSON Lines file with size-based rotation; nil = none.
    public var jsonl: RotatingFileConfig?
    /// Also write the lines to standard output (journald, or a pipe).
    public var stdout = false
    /// Write one line per analysed frame; false = only events and per-connection summaries.
    public var frames = true
    /// An annotated recording; nil = none.
    public var recording: RecordingConfig?

    public init(jsonl: RotatingFileConfig? = nil, stdout: Bool = false, frames: Bool = true,
                recording: RecordingConfig? = nil) {
        self.jsonl = jsonl
        self.stdout = stdout
        self.frames = frames
        self.recording = recording
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case jsonl, stdout, frames, recording
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jsonl = try container.decodeIfPresent(RotatingFileConfig.self, forKey: .jsonl)
        stdout = try container.decode(.stdout, default: false)
        frames = try container.decode(.frames, default: true)
        recording = try container.decodeIfPresent(RecordingConfig.self, forKey: .recording)
    }

    func problems() -> [String] { (jsonl?.problems() ?? []) + (recording?.problems() ?? []) }
}

/// An annotated recording: the stream at full resolution with the blur overlay, score and
/// timecode burnt in (`AnnotatedVideoSink`), cut into segments of about `segmentMinutes` of
/// stream time (`SegmentedRecordingSink`), each a complete file named
/// `STREAM-YYYYMMDDTHHMMSSZ.CONTAINER` after the segment's start (UTC).
public struct RecordingConfig: Decodable, Equatable, Sendable {
    public var directory: String
    /// Any libavcodec video encoder.
    public var codec = "libx264"
    /// Constant rate factor for encoders that have one (libx264).
    public var crf = 23
    /// File extension, which picks the muxer: mkv (readable even if the daemon is killed), mp4, ts.
    public var container = "mkv"
    /// Stream time per file, in minutes; at least one second, since file names have one-second
    /// resolution.
    public var segmentMinutes: Double = 10
    /// How many of the stream's newest files to keep when a segment starts; nil = all.
    public var keepSegments: Int?

    public init(directory: String, codec: String = "libx264", crf: Int = 23, container: String = "mkv",
                segmentMinutes: Double = 10, keepSegments: Int? = nil) {
        self.directory = directory
        self.codec = codec
        self.crf = crf
        self.container = container
        self.segmentMinutes = segmentMinutes
        self.keepSegments = keepSegments
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case directory, codec, crf, container
        case segmentMinutes = "segment_minutes"
        case keepSegments = "keep_segments"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        directory = try container.decode(String.self, forKey: .directory)
        codec = try container.decode(.codec, default: "libx264")
        crf = try container.decode(.crf, default: 23)
        self.container = try container.decode(.container, default: "mkv")
        segmentMinutes = try container.decode(.segmentMinutes, default: 10)
        keepSegments = try container.decodeIfPresent(Int.self, forKey: .keepSegments)
    }

    /// The file of a segment of `stream` that started at `start`.
    func path(stream: String, start: Date) -> String {
        "\(directory)/\(stream)-\(Self.timeFormatter().string(from: start)).\(container)"
    }

    /// Whether `fileName` (in `directory`) is a segment file of `stream`: the exact shape `path`
    /// gives, so a stream named `cam` does not claim the files of `cam-2`.
    func isSegment(_ fileName: String, of stream: String) -> Bool {
        let prefix = "\(stream)-", suffix = ".\(container)"
        guard fileName.hasPrefix(prefix), fileName.hasSuffix(suffix),
              fileName.count == prefix.count + Self.timeLength + suffix.count else { return false }
        let time = fileName.dropFirst(prefix.count).prefix(Self.timeLength)
        return time.enumerated().allSatisfy { offset, character in
            switch offset {
            case 8: return character == "T"
            case Self.timeLength - 1: return character == "Z"
            default: return character.isASCII && character.isNumber
            }
        }
    }

    /// `YYYYMMDDTHHMMSSZ`: fixed width, so names sort by time.
    private static let timeLength = 16

    private static func timeFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        return formatter
    }

    /// A day of stream time per file: longer segments only delay the next complete file.
    static let maximumSegmentMinutes = 1440.0
    /// `keepSegments`: a year of one-minute segments is about half a million.
    static let keepSegmentsRange = ValueRange<Int>(1...1_000_000)

    func problems() -> [String] {
        var problems: [String] = []
        if directory.isEmpty { problems.append("outputs.recording.directory is empty") }
        if let problem = VideoWriterOptions.crfRange(encoder: codec)?.problem("outputs.recording.crf for \(codec)", crf) {
            problems.append(problem)
        }
        if !["mkv", "mp4", "ts"].contains(container) {
            problems.append("outputs.recording.container must be mkv, mp4 or ts")
        }
        if !(segmentMinutes >= 1.0 / 60 && segmentMinutes <= Self.maximumSegmentMinutes) {
            problems.append("outputs.recording.segment_minutes must be a number of minutes of at least 1/60 "
                            + "(one second: segment files are named to the second) and at most "
                            + "\(Int(Self.maximumSegmentMinutes)), got \(segmentMinutes)")
        }
        if let keepSegments, let problem = Self.keepSegmentsRange.problem("outputs.recording.keep_segments", keepSegments) {
            problems.append(problem)
        }
        return problems
    }
}

/// A JSON Lines file rotated by size: `path` is renamed to `path.1` (older ones shift up) once
/// the next line would take it past `maxBytes`; only `keep` rotated files are kept.
public struct RotatingFileConfig: Decodable, Equatable, Sendable {
    public var path: String
    public var maxBytes: Int = 64 << 20
    public var keep: Int = 5

    public init(path: String, maxBytes: Int = 64 << 20, keep: Int = 5) {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = keep
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path
        case maxBytes = "max_bytes"
        case keep
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        maxBytes = try container.decode(.maxBytes, default: 64 << 20)
        keep = try container.decode(.keep, default: 5)
    }

    /// `maxBytes`: from a few lines to 1 TiB per file.
    static let maxBytesRange = ValueRange<Int>(4096...(1 << 40))
    /// `keep` rotated files.
    static let keepRange = ValueRange<Int>(1...1000)

    func problems() -> [String] {
        var problems: [String] = []
        if path.isEmpty { problems.append("outputs.jsonl.path is empty") }
        problems += [Self.maxBytesRange.problem("outputs.jsonl.max_bytes", maxBytes),
                     Self.keepRange.problem("outputs.jsonl.keep", keep)].compactMap { $0 }
        return problems
    }
}
