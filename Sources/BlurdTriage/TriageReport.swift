import BlurdOutput
import Foundation

/// `blurd triage --report-only DIR`: rebuilds the summaries of DIR (triage.json, soft-shots.csv
/// and the rest of `TriageSummary.write`) from what the runs left on disk: the shard manifests
/// say which clips belong to the library, each clip's sidecar and JSON Lines give its row. A clip
/// a manifest assigned without a result of its source and settings is listed as missing. Reads
/// neither the footage nor a clip twice; the soft shots are found again under `criteria`.
public struct TriageReport: Sendable {
    public let layout: TriageLayout
    public let criteria: SoftShotCriteria

    public init(directory: String, criteria: SoftShotCriteria) {
        layout = TriageLayout(directory: directory)
        self.criteria = criteria
    }

    /// What a report found besides the rows.
    public struct Outcome: Sendable {
        public var triage: TriageOutcome
        /// Shards of the split without a manifest (`I-of-N`): their clips are unknown, so the
        /// report is incomplete (exit 10) even when no clip is missing.
        public var shardsWithoutManifest: [String]

        public var exitCode: Int32 {
            shardsWithoutManifest.isEmpty ? triage.exitCode : TriageOutcome.incompleteExitCode
        }
    }

    /// Builds and writes the reports. Throws `TriageError.nothingToReport` without a manifest,
    /// `.unusableManifests` for a damaged one or shards run with other settings, and
    /// `.outputFailed` when a report cannot be written.
    public func run() throws -> Outcome {
        let manifests = try ShardManifest.readAll(layout: layout)
        guard let first = manifests.first else { throw TriageError.nothingToReport(layout.directory) }
        if let other = manifests.first(where: { $0.settings != first.settings || $0.paths != first.paths }) {
            throw TriageError.unusableManifests("shard \(other.shard)-of-\(other.shards) ran with other settings or PATHs "
                + "than shard \(first.shard)-of-\(first.shards); run every shard with the same options")
        }
        var reports: [String: ClipReport] = [:]
        for manifest in manifests {
            let shard = "\(manifest.shard)-of-\(manifest.shards)"
            for entry in manifest.clips where reports[entry.clip.name] == nil {
                reports[entry.clip.name] = report(entry, settings: manifest.settings, shard: shard)
            }
            for file in manifest.skipped {
                let clip = TriageClip(path: file.path, root: file.root, relativePath: file.relativePath, size: 0)
                if reports[clip.name] == nil { reports[clip.name] = ClipReport(clip: clip, status: .skipped, message: file.reason) }
            }
        }
        let present = Set(manifests.map(\.shard))
        let absent = (0..<first.shards).filter { !present.contains($0) }.map { "\($0)-of-\(first.shards)" }

        let sorted = reports.values.sorted { $0.clip.name < $1.clip.name }
        let summary = TriageSummary(reports: sorted, settings: first.settings, criteria: criteria, layout: layout)
        try summary.write(reports: sorted, layout: layout)
        return Outcome(triage: TriageOutcome(kind: .report, reports: sorted, totals: summary.totals, interrupted: false),
                       shardsWithoutManifest: absent)
    }

    /// The row of one assigned clip: its stored result when the sidecar vouches for this source
    /// (the stamp the shard found) and these settings, else missing.
    private func report(_ entry: ShardManifest.Clip, settings: TriageSettings, shard: String) -> ClipReport {
        let clip = entry.clip
        guard let source = entry.source else {
            // The shard could not stat the file when it found it: it fails there, without a sidecar.
            let result = ClipResult(status: .failed, errorClass: 3, error: "cannot read \(clip.path)")
            return ClipReport(clip: clip, status: .failed, result: result, message: result.error)
        }
        if let sidecar = ClipSidecar.read(path: layout.sidecarPath(for: clip)),
           sidecar.matches(source: source, settings: settings),
           let report = sidecar.storedReport(for: clip, layout: layout, criteria: criteria, resumed: entry.resumed ?? false) {
            return report
        }
        return ClipReport(clip: clip, status: .missing, message: "no result yet: shard \(shard) has not finished it")
    }
}
