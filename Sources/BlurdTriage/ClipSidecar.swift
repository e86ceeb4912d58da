import BlurdOutput
import Foundation

/// The record beside a clip's JSON Lines (`PATH.clip.json`) that vouches for it: the source
/// it was made from (size, mtime), the settings, and the clip's result. A rerun trusts the
/// JSON Lines only when both still match.
public struct ClipSidecar: Codable, Sendable, Equatable {
    /// Bumped when the layout changes, so an old sidecar never matches.
    public static let currentVersion = 1

    public var version = ClipSidecar.currentVersion
    public var source: SourceStamp
    public var settings: TriageSettings
    public var result: ClipResult

    public init(source: SourceStamp, settings: TriageSettings, result: ClipResult) {
        self.source = source
        self.settings = settings
        self.result = result
    }

    /// The sidecar at `path`, or nil when it is missing or unreadable (the clip is then redone).
    public static func read(path: String) -> ClipSidecar? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(ClipSidecar.self, from: data)
    }

    /// Whether the result it vouches for is still valid for `source` under `settings`.
    public func matches(source: SourceStamp, settings: TriageSettings) -> Bool {
        version == Self.currentVersion && self.source == source && self.settings == settings
    }

    /// Writes through a temporary name and a rename, like the JSON Lines.
    public func write(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: path)
    }

    /// The clip's row from what is on disk: the result it vouches for, with the scores read back
    /// from the JSON Lines (soft shots under `criteria`). Nil when the result says the clip
    /// has frames but its JSON Lines are missing or unreadable, or when it records no outcome.
    func storedReport(for clip: TriageClip, layout: TriageLayout, criteria: SoftShotCriteria, resumed: Bool) -> ClipReport? {
        switch result.status {
        case .ok, .partial:
            guard let frames = try? ScoreLogReader.read(path: layout.resultPath(for: clip)) else { return nil }
            let scores = ClipScores(frames: frames, frameRate: result.frameRate, startTimecode: result.startTimecode,
                                    criteria: criteria, title: clip.name)
            return ClipReport(clip: clip, status: result.status, result: result, message: result.error,
                              scores: scores, resumed: resumed)
        case .failed, .skipped:
            return ClipReport(clip: clip, status: result.status, result: result, message: result.error, resumed: resumed)
        case .pending, .missing:
            return nil
        }
    }
}
