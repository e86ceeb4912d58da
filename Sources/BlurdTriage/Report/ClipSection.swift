import BlurdOutput
import Foundation

/// One clip's part of the library report: its row on the page (with thumbnails made on the way)
/// and its clip on the OTIO timeline, from its `ClipReport` row, its JSON Lines and its source.
struct ClipSection: Sendable {
    let status: ClipStatus
    let root: String
    /// Seconds of soft shots.
    let softSeconds: Double
    let row: ReportPage.Clip
    /// Nil for clips without results (failed, not analysed).
    let timelineClip: OTIOTimeline.Clip?

    init(_ report: ClipReport, layout: TriageLayout) {
        status = report.status
        root = report.clip.root
        let result = report.result
        var row = ReportPage.Clip(
            name: report.clip.name, path: report.clip.path, status: report.status.rawValue, statusNote: nil,
            duration: ReportFormat.duration(result?.durationSeconds), minScore: "–", meanScore: "–", shotCount: "–",
            softTime: "", timecodeNote: "", sortWorst: "2", sortSoft: "0", needsLook: false, strip: nil, shots: [],
            hasShots: false, moreShots: nil, error: nil)
        switch report.status {
        case .failed:
            row.sortWorst = "-1"
            row.needsLook = true
            row.error = report.message.map { "Failed: " + $0 } ?? "Failed"
        case .pending:
            row.needsLook = true
            row.error = "Not analysed: the run stopped before this clip."
        case .missing:
            row.needsLook = true
            row.error = "Missing: its shard has not written a result for it (rerun that shard)."
        case .partial:
            row.needsLook = true
            if let result {
                row.statusNote = "\(result.corruptPackets) corrupt packets, \(result.decodeErrors) decode errors"
            }
            if let message = report.message { row.error = "Damaged: " + message + " (results cover what decoded)" }
        case .ok, .skipped:
            break
        }
        guard let scores = report.scores else {
            softSeconds = 0
            self.row = row
            timelineClip = nil
            return
        }
        let softShots = scores.softShots
        let segments = softShots.segments
        softSeconds = segments.reduce(0) { $0 + $1.durationSeconds }
        row.minScore = ReportFormat.score(scores.minScore)
        row.meanScore = ReportFormat.score(scores.meanScore)
        row.sortWorst = scores.minScore.map { String(format: "%.4f", $0) } ?? "2"
        row.sortSoft = String(format: "%.3f", softSeconds)
        row.shotCount = segments.isEmpty ? "none" : "\(segments.count) soft"
        row.softTime = segments.isEmpty ? "" : ReportFormat.duration(softSeconds)
        row.hasShots = !segments.isEmpty
        row.needsLook = row.needsLook || !segments.isEmpty
        let format = softShots.timecode
        let rate = ReportFormat.rate(softShots.frameRate) + " fps"
        row.timecodeNote = format.origin == .source
            ? "source TC \(format.string(frame: 0)) · \(rate)"
            : "TC from first frame (no source TC) · \(rate)"

        let resultPath = layout.resultPath(for: report.clip)
        var frames: [ScoredFrame] = []
        do {
            frames = try ScoreLogReader.read(path: resultPath)
        } catch {
            let reason = (error as? ReportError)?.description ?? "\(error)"
            row.error = [row.error, "Results unreadable: " + reason].compactMap { $0 }.joined(separator: " ")
        }
        let lastEnd = frames.last.map { $0.pts - (frames.first?.pts ?? 0) + 1 / softShots.frameRate } ?? 0
        let duration = report.result?.durationSeconds ?? lastEnd
        if report.result?.durationSeconds == nil, !frames.isEmpty { row.duration = ReportFormat.duration(duration) }
        if !frames.isEmpty { row.strip = ScoreStrip(frames: frames, report: softShots, durationSeconds: duration) }

        row.shots = Self.shots(of: softShots, frames: frames, clip: report.clip, layout: layout, resultPath: resultPath)
        if segments.count > row.shots.count {
            row.moreShots = "+\(segments.count - row.shots.count) more soft shots in soft-shots.csv"
        }
        self.row = row
        timelineClip = Self.timelineClip(report, softShots: softShots, frames: frames, durationSeconds: duration)
    }

    /// The page's tiles of the worst `LibraryReport.maximumThumbnailsPerClip` shots, in time order.
    private static func shots(of softShots: SoftShotReport, frames: [ScoredFrame], clip: TriageClip,
                              layout: TriageLayout, resultPath: String) -> [ReportPage.Shot] {
        let numbered = Array(softShots.segments.enumerated())
        let shown = numbered.sorted { $0.element.minScore < $1.element.minScore }
            .prefix(LibraryReport.maximumThumbnailsPerClip).sorted { $0.offset < $1.offset }
        let format = softShots.timecode
        // The softest judged frame of each shown shot (the first of equals).
        var softest: [Int: ScoredFrame] = [:]
        for (offset, segment) in shown {
            let inside = frames.lazy.filter { $0.index >= segment.startFrame && $0.index < segment.endFrame && $0.score != nil }
            softest[offset] = inside.min { ($0.score ?? 1) < ($1.score ?? 1) }
        }
        let masks = (try? LoggedMaskReader.masks(path: resultPath, frames: Set(softest.values.map(\.index)))) ?? [:]
        let requests = shown.compactMap { offset, _ in
            softest[offset].map { frame in
                ClipThumbnails.Request(shot: offset + 1, frame: frame, mask: masks[frame.index],
                                       timecode: format.string(frame: frame.index))
            }
        }
        let modified = (try? FileManager.default.attributesOfItem(atPath: resultPath))?[.modificationDate] as? Date
        let outcomes = ClipThumbnails(layout: layout, clip: clip).make(requests, frameRate: softShots.frameRate,
                                                                       resultModified: modified)
        return shown.map { offset, segment in
            var shot = ReportPage.Shot(
                number: offset + 1, image: nil, imageWidth: 0, imageHeight: 0,
                range: format.string(frame: segment.startFrame) + " – " + format.string(frame: segment.endFrame),
                duration: ReportFormat.duration(segment.durationSeconds), minScore: ReportFormat.score(segment.minScore),
                missing: nil, blurType: segment.blurType?.rawValue)
            switch outcomes[offset + 1] {
            case .image(let url, let width, let height)?:
                shot.image = url
                shot.imageWidth = width
                shot.imageHeight = height
            case .missing(let reason)?:
                shot.missing = reason
            case nil:
                shot.missing = "no judged frame in this shot"
            }
            return shot
        }
    }

    /// The clip on the timeline: the whole source from its start timecode, a red marker per soft shot.
    private static func timelineClip(_ report: ClipReport, softShots: SoftShotReport, frames: [ScoredFrame],
                                     durationSeconds: Double) -> OTIOTimeline.Clip {
        let rate = softShots.frameRate
        let format = softShots.timecode
        let lastFrame = (frames.last?.index ?? -1) + 1
        let counted = durationSeconds.isFinite ? Int(min(1e12, max(0, durationSeconds * rate)).rounded()) : 0
        let length = max(counted, lastFrame, softShots.segments.last?.endFrame ?? 0)
        let start = format.startCount
        let markers = softShots.segments.enumerated().map { offset, segment in
            OTIOTimeline.Marker(
                name: "SOFT \(offset + 1) MIN \(ReportFormat.score(segment.minScore))",
                markedRange: .init(start: start + segment.startFrame, frames: segment.endFrame - segment.startFrame, rate: rate),
                comment: "blurd soft shot \(offset + 1) of \(softShots.segments.count): "
                    + "\(format.string(frame: segment.startFrame))–\(format.string(frame: segment.endFrame)), "
                    + "score min \(String(format: "%.4f", segment.minScore)) mean \(String(format: "%.4f", segment.meanScore))")
        }
        let findings = OTIOTimeline.ClipFindings(
            clip: report.clip.name, status: report.status.rawValue, minScore: report.scores?.minScore,
            meanScore: report.scores?.meanScore, softShots: softShots.segments.count,
            timecodeOrigin: format.origin.rawValue,
            startTimecode: format.origin == .source ? format.string(frame: 0) : nil)
        return OTIOTimeline.Clip(
            name: report.clip.name,
            targetURL: URL(fileURLWithPath: report.clip.path).standardizedFileURL.absoluteString,
            availableRange: .init(start: start, frames: length, rate: rate), markers: markers, findings: findings)
    }
}
