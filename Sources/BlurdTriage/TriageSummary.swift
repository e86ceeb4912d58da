import BlurdOutput
import Foundation

/// DIR/triage.json: the machine-readable account of a run, one row per file found (clips and
/// skipped files), from which later reports are built. Schema (keys absent when unknown):
///
///     { "version": 1, "settings": {…sidecar settings…},
///       "criteria": { "threshold", "leave_above", "min_duration_s" },
///       "totals": { "files", "ok", "partial", "failed", "skipped", "pending", "missing", "resumed" },
///       "clips": [ { "clip": "ROOT/RELATIVE", "path", "result" (JSON Lines, relative to DIR),
///                    "status": ok|partial|failed|skipped|pending|missing, "error_class", "error", "reason",
///                    "frames", "frames_decoded", "corrupt_packets", "decode_errors",
///                    "duration_s", "frame_rate", "min_score", "mean_score", "resumed",
///                    "tc_origin": source|first_frame (where start_tc/end_tc count from),
///                    "source_start_tc" (the clip's own start timecode, when it has one),
///                    "soft_shots": [ { "start_frame", "end_frame", "start_tc", "end_tc",
///                                      "start_s", "end_s", "min_score", "mean_score" } ] } ] }
public struct TriageSummary: Encodable, Sendable {
    struct Criteria: Encodable {
        var threshold: Double
        var leaveAbove: Double
        var minDurationSeconds: Double

        enum CodingKeys: String, CodingKey {
            case threshold, leaveAbove = "leave_above", minDurationSeconds = "min_duration_s"
        }
    }

    /// Files per status.
    public struct Totals: Encodable, Sendable, Equatable {
        public var files = 0, ok = 0, partial = 0, failed = 0, skipped = 0, pending = 0, resumed = 0
        /// `--report-only`: clips a shard manifest assigned that have no result on disk.
        public var missing = 0
    }

    struct Shot: Encodable {
        var startFrame, endFrame: Int
        var startTimecode, endTimecode: String
        var startSeconds, endSeconds, minScore, meanScore: Double

        enum CodingKeys: String, CodingKey {
            case startFrame = "start_frame", endFrame = "end_frame", startTimecode = "start_tc", endTimecode = "end_tc"
            case startSeconds = "start_s", endSeconds = "end_s", minScore = "min_score", meanScore = "mean_score"
        }
    }

    struct Row: Encodable {
        var clip: String
        var path: String
        var result: String?
        var status: ClipStatus
        var errorClass: Int32?
        var error: String?
        /// Why a file is skipped.
        var reason: String?
        var frames, framesDecoded, corruptPackets, decodeErrors: Int?
        var durationSeconds, frameRate, minScore, meanScore: Double?
        var resumed: Bool
        var timecodeOrigin: TimecodeOrigin?
        var sourceStartTimecode: String?
        var softShots: [Shot]?

        enum CodingKeys: String, CodingKey {
            case clip, path, result, status, error, reason, frames, resumed
            case errorClass = "error_class", framesDecoded = "frames_decoded", corruptPackets = "corrupt_packets"
            case decodeErrors = "decode_errors", durationSeconds = "duration_s", frameRate = "frame_rate"
            case minScore = "min_score", meanScore = "mean_score", softShots = "soft_shots", timecodeOrigin = "tc_origin"
            case sourceStartTimecode = "source_start_tc"
        }
    }

    var version = 1
    var settings: TriageSettings
    var criteria: Criteria
    public private(set) var totals = Totals()
    var clips: [Row]

    /// The rows of `reports`, sorted by clip name.
    public init(reports: [ClipReport], settings: TriageSettings, criteria: SoftShotCriteria, layout: TriageLayout) {
        self.settings = settings
        self.criteria = Criteria(threshold: criteria.enterBelow, leaveAbove: criteria.leaveAbove,
                                 minDurationSeconds: criteria.minimumSeconds)
        let sorted = reports.sorted { $0.clip.name < $1.clip.name }
        clips = sorted.map { Self.row($0, layout: layout) }
        totals.files = sorted.count
        for report in sorted {
            switch report.status {
            case .ok: totals.ok += 1
            case .partial: totals.partial += 1
            case .failed: totals.failed += 1
            case .skipped: totals.skipped += 1
            case .pending: totals.pending += 1
            case .missing: totals.missing += 1
            }
            if report.resumed { totals.resumed += 1 }
        }
    }

    private static func row(_ report: ClipReport, layout: TriageLayout) -> Row {
        let result = report.result
        let hasResults = report.status == .ok || report.status == .partial
        var row = Row(clip: report.clip.name, path: report.clip.path,
                      result: hasResults ? "clips/" + report.clip.name + ".jsonl" : nil,
                      status: report.status, errorClass: result?.errorClass,
                      error: report.status == .skipped ? nil : report.message,
                      reason: report.status == .skipped ? report.message : nil, resumed: report.resumed)
        if hasResults, let result {
            row.frames = result.framesAnalysed
            row.framesDecoded = result.framesDecoded
            row.corruptPackets = result.corruptPackets
            row.decodeErrors = result.decodeErrors
            row.durationSeconds = result.durationSeconds
            row.frameRate = result.frameRate
        }
        if let scores = report.scores {
            row.minScore = scores.minScore
            row.meanScore = scores.meanScore
            let timecode = scores.softShots.timecode
            row.timecodeOrigin = timecode.origin
            if timecode.origin == .source { row.sourceStartTimecode = timecode.string(frame: 0) }
            row.softShots = scores.softShots.segments.map { segment in
                Shot(startFrame: segment.startFrame, endFrame: segment.endFrame,
                     startTimecode: timecode.string(frame: segment.startFrame),
                     endTimecode: timecode.string(frame: segment.endFrame),
                     startSeconds: segment.startSeconds, endSeconds: segment.endSeconds,
                     minScore: segment.minScore, meanScore: segment.meanScore)
            }
        }
        return row
    }

    /// Writes triage.json, soft-shots.csv, and the page and timeline of `LibraryReport`
    /// (report.html, thumbs/, timeline.otio), each whole or not at all.
    public func write(reports: [ClipReport], layout: TriageLayout) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let json: Data
        do {
            json = try encoder.encode(self)
        } catch {
            throw TriageError.outputFailed("cannot encode the summary: \(error)")
        }
        try AtomicFile.write(json + Data("\n".utf8), to: layout.summaryPath)
        let sorted = reports.sorted { $0.clip.name < $1.clip.name }
        try AtomicFile.write(Data(SoftShotsTable.text(for: sorted).utf8), to: layout.softShotsPath)
        try LibraryReport.write(reports: sorted, layout: layout, method: settings.method,
                                criteria: SoftShotCriteria(enterBelow: criteria.threshold, leaveAbove: criteria.leaveAbove,
                                                           minimumSeconds: criteria.minDurationSeconds))
    }
}
