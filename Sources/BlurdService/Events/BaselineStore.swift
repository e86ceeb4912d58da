import BlurdOutput
import BlurdAnalysis
import BlurdCore
import BlurdSegmenter
import Foundation
import Glibc
import Logging
import Synchronization

/// The streams' learned baselines, kept in `STATE_DIR/baselines.json` so that a restarted
/// daemon need not learn them again. One entry per stream name, with the camera (`url`, without
/// its userinfo, so a changed password or one moved to `password_file` keeps the entry) and
/// what a score's scale depends on (`method`, `model` with the CRC-32 of its weights,
/// `precision`, `analysis_size`): an entry is restored only while all of them still match the
/// stream's configuration, so a model replaced at the same path, or a blurd upgrade that ships
/// another built-in model, learns again. An entry holds a baseline for each day/night mode
/// learned so far (`DayNightMode`); a file of version 1, written before modes existed, is read
/// with its one baseline as the colour mode's, and written back as version 2 at the next save.
///
/// The file is read at every lookup and before every save, so an entry an operator deletes (to
/// make a re-aimed camera learn again) takes effect at the next reload, and a save never
/// writes a deleted entry back. Saves replace the file atomically and durably (a temporary file
/// synced, renamed over it, and the directory synced). Nothing here stops the daemon: a missing file holds nothing, an unreadable one is
/// logged once and read as empty (the next save replaces it), a failed save is logged.
public final class BaselineStore: Sendable {
    /// One mode's saved baseline and when it was learned.
    public struct ModeBaseline: Codable, Equatable, Sendable {
        public var baseline: Double
        public var learnedAt: Date

        public init(baseline: Double, learnedAt: Date) {
            self.baseline = baseline
            self.learnedAt = learnedAt
        }

        enum CodingKeys: String, CodingKey {
            case baseline
            case learnedAt = "learned_at"
        }
    }

    /// One stream's saved baselines and what they were learned with.
    public struct Entry: Codable, Equatable, Sendable {
        /// The stream's URL without its credentials (`URLRedaction.cameraIdentity`).
        public var url: String
        public var method: String
        /// The model file; nil = the model built into blurd.
        public var model: String?
        /// The model's stored CRC-32 ("0x6ec579bb"), which names its exact weights; nil for
        /// the classic method or a model that cannot be read.
        public var modelChecksum: String?
        /// int8 or fp32 for the cnn method; nil for classic.
        public var precision: String?
        /// Long side of the analysis frames; nil = the stream's full resolution.
        public var analysisSize: Int?
        /// The baseline of each day/night mode learned so far.
        public var modes: [DayNightMode: ModeBaseline]

        public init(stream: StreamConfig, modes: [DayNightMode: ModeBaseline]) {
            url = URLRedaction.cameraIdentity(stream.url)
            method = stream.method
            model = stream.model
            modelChecksum = Self.modelChecksum(of: stream)
            precision = stream.method == AnalysisMethod.cnn.rawValue ? stream.precision : nil
            analysisSize = stream.analysisSize
            self.modes = modes
        }

        /// Whether a score of `stream` is on these baselines' scale, from the same camera.
        public func matches(_ stream: StreamConfig) -> Bool {
            let scale = Entry(stream: stream, modes: [:])
            return url == scale.url && method == scale.method && model == scale.model
                && modelChecksum == scale.modelChecksum && precision == scale.precision
                && analysisSize == scale.analysisSize
        }

        /// The stored CRC-32 of the stream's model (the built-in one without `model`), read
        /// from the file each time so a model replaced at the same path is noticed.
        static func modelChecksum(of stream: StreamConfig) -> String? {
            guard stream.method == AnalysisMethod.cnn.rawValue else { return nil }
            let model = try? stream.model.map { try ModelFile.read(contentsOf: $0) } ?? DefaultModel.load()
            return model.map { String(format: "0x%08x", $0.storedChecksum) }
        }

        enum CodingKeys: String, CodingKey {
            case url, method, model, precision
            case modelChecksum = "model_crc"
            case analysisSize = "analysis_size"
            case modes
            /// Version 1's single baseline, now the colour mode's.
            case baseline
            case learnedAt = "learned_at"
        }

        // Read by hand to drop the credentials of a file written before blurd removed them (the
        // entry still matches, and the next save writes it without the password), and to read
        // version 1's single baseline as the colour mode's.
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            url = URLRedaction.cameraIdentity(try container.decode(String.self, forKey: .url))
            method = try container.decode(String.self, forKey: .method)
            model = try container.decodeIfPresent(String.self, forKey: .model)
            modelChecksum = try container.decodeIfPresent(String.self, forKey: .modelChecksum)
            precision = try container.decodeIfPresent(String.self, forKey: .precision)
            analysisSize = try container.decodeIfPresent(Int.self, forKey: .analysisSize)
            if container.contains(.modes) {
                // A mode this blurd does not know (from a newer one) is left out.
                let saved = try container.decode([String: ModeBaseline].self, forKey: .modes)
                modes = Dictionary(uniqueKeysWithValues: saved.compactMap { key, value in
                    DayNightMode(rawValue: key).map { ($0, value) }
                })
            } else {
                modes = [.colour: ModeBaseline(baseline: try container.decode(Double.self, forKey: .baseline),
                                               learnedAt: try container.decode(Date.self, forKey: .learnedAt))]
            }
        }

        // Written out so that `model` and `analysis_size` appear as null rather than vanish.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(url, forKey: .url)
            try container.encode(method, forKey: .method)
            try container.encode(model, forKey: .model)
            try container.encode(modelChecksum, forKey: .modelChecksum)
            try container.encode(precision, forKey: .precision)
            try container.encode(analysisSize, forKey: .analysisSize)
            try container.encode(Dictionary(uniqueKeysWithValues: modes.map { ($0.key.rawValue, $0.value) }), forKey: .modes)
        }
    }

    /// The file's layout; `version` changes if the entries ever do.
    private struct Contents: Codable {
        var version: Int
        var streams: [String: Entry]
    }

    /// The version written: 2 has a baseline per day/night mode.
    private static let version = 2
    /// The versions read: 1 had one baseline per stream, read as the colour mode's.
    private static let readableVersions = 1...2

    /// The store's file, `DIRECTORY/baselines.json`.
    public let path: String
    private let directory: String
    private let temporaryPath: String
    private let logger: Logger
    /// Held for every read and write of the file.
    private let file = Mutex(FileState())

    private struct FileState {
        /// Set once an unreadable file was reported; cleared when the file reads again.
        var reportedUnreadable = false
    }

    public init(directory: String, logger: Logger) {
        self.directory = directory
        path = URL(fileURLWithPath: directory).appendingPathComponent("baselines.json").path
        // In the same directory, so the rename stays within one file system.
        temporaryPath = URL(fileURLWithPath: directory).appendingPathComponent(".baselines.json.\(getpid()).tmp").path
        self.logger = logger
    }

    /// The saved baseline of `stream` when its entry matches the stream's configuration.
    public func entry(for stream: StreamConfig) -> Entry? {
        file.withLock { read(&$0)?[stream.name] }.flatMap { $0.matches(stream) ? $0 : nil }
    }

    /// True when the file reads and holds no matching entry with a `mode` baseline for `stream`
    /// (it was deleted, or edited to something else); false when it holds one or cannot be read.
    public func lacksEntry(for stream: StreamConfig, mode: DayNightMode) -> Bool {
        guard let entries = file.withLock({ read(&$0) }) else { return false }
        guard let entry = entries[stream.name], entry.matches(stream) else { return true }
        return entry.modes[mode] == nil
    }

    /// Saves `baseline` as the `mode` baseline of `stream`, keeping the other entries and, while
    /// the stream's entry still matches it, the entry's other modes; true if written.
    @discardableResult
    public func save(_ baseline: Double, mode: DayNightMode = .colour, for stream: StreamConfig,
                     learnedAt: Date = Date()) -> Bool {
        file.withLock { state in
            var entries = read(&state) ?? [:]
            var modes = entries[stream.name].flatMap { $0.matches(stream) ? $0.modes : nil } ?? [:]
            modes[mode] = ModeBaseline(baseline: baseline, learnedAt: learnedAt)
            entries[stream.name] = Entry(stream: stream, modes: modes)
            do {
                try write(entries)
                return true
            } catch {
                logger.warning("cannot save the baseline of stream \(stream.name): \(error)")
                return false
            }
        }
    }

    // MARK: The file (under `file`'s lock)

    /// The file's entries; empty when it does not exist, nil when it cannot be read or parsed.
    private func read(_ state: inout FileState) -> [String: Entry]? {
        guard FileManager.default.fileExists(atPath: path) else {
            state.reportedUnreadable = false
            return [:]
        }
        let problem: String
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let contents = try decoder.decode(Contents.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            if Self.readableVersions.contains(contents.version) {
                state.reportedUnreadable = false
                return contents.streams
            }
            problem = "unknown version \(contents.version) (this blurd reads versions \(Self.readableVersions.lowerBound) to \(Self.readableVersions.upperBound))"
        } catch {
            problem = Self.describe(error)
        }
        if !state.reportedUnreadable {
            state.reportedUnreadable = true
            logger.warning("cannot read \(path): \(problem); no baseline is restored from it, and the next learned baseline replaces it")
        }
        return nil
    }

    /// Writes the temporary file, syncs it (so a crash cannot leave the renamed file empty),
    /// renames it over the store and syncs the directory (until then, a power cut may bring the
    /// old file back).
    private func write(_ entries: [String: Entry]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let text = String(decoding: try encoder.encode(Contents(version: Self.version, streams: entries)), as: UTF8.self)
        do {
            let file = try OutputFile(creating: temporaryPath)
            try file.write(text + "\n")
            try file.sync()
            try file.close()
        } catch {
            unlink(temporaryPath)
            throw error
        }
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw OutputError.writeFailed(path: path, reason: "renaming \(temporaryPath): \(reason)")
        }
        let directory = open(self.directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0, fsync(directory) == 0 else {
            let reason = String(cString: strerror(errno))
            if directory >= 0 { close(directory) }
            throw OutputError.writeFailed(path: path, reason: "syncing the directory \(self.directory): \(reason)")
        }
        close(directory)
    }

    /// A decoding error as one line, without Foundation's nested context dump.
    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.keyNotFound(_, let context),
             DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            return key.isEmpty ? context.debugDescription : "\(key): \(context.debugDescription)"
        default:
            return error.localizedDescription
        }
    }
}
