import BlurdOutput
import Dispatch
import Foundation
import Mustache
import Synchronization

/// DIR/report.html, its thumbnails under DIR/thumbs/, and DIR/timeline.otio: the run's findings
/// for a person (a page to look at) and for an editor (a timeline with a red marker per soft
/// shot). Made from the rows (`ClipReport`, as TriageRun or a report rebuilt from DIR has them),
/// the clips' JSON Lines on disk (score timelines, masks) and the source files (thumbnails), never
/// from a run's memory, so `--report-only` rebuilds the same page.
public enum LibraryReport {
    /// Thumbnails per clip: the shots with the lowest scores; the page says how many more there are.
    public static let maximumThumbnailsPerClip = 24

    /// Writes the page, its thumbnails and the timeline; each file whole or not at all. A clip
    /// whose results or source cannot be read gets a row saying so; only an unwritable DIR throws.
    public static func write(reports: [ClipReport], layout: TriageLayout, method: String,
                             criteria: SoftShotCriteria, generated: Date = Date()) throws {
        let clips = reports.filter { $0.status != .skipped }
        let sections = Mutex<[Int: ClipSection]>([:])
        // Clips are independent: decode their thumbnails on every core.
        DispatchQueue.concurrentPerform(iterations: clips.count) { index in
            let section = ClipSection(clips[index], layout: layout)
            sections.withLock { $0[index] = section }
        }
        let done = sections.withLock { $0 }
        let ordered = clips.indices.compactMap { done[$0] }

        let page = self.page(ordered, skipped: reports.filter { $0.status == .skipped }, method: method,
                             criteria: criteria, generated: generated)
        let html: String
        do {
            html = try MustacheTemplate(string: ReportPageTemplate.text).render(page)
        } catch {
            throw TriageError.outputFailed("the report template does not parse: \(error)")
        }
        try AtomicFile.write(Data(html.utf8), to: layout.reportPath)

        let timeline = OTIOTimeline(name: "blurd soft shots", clips: ordered.compactMap(\.timelineClip))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        let json: Data
        do {
            json = try encoder.encode(timeline)
        } catch {
            throw TriageError.outputFailed("cannot encode the timeline: \(error)")
        }
        try AtomicFile.write(json + Data("\n".utf8), to: layout.timelinePath)
    }

    private static func page(_ sections: [ClipSection], skipped: [ClipReport], method: String,
                             criteria: SoftShotCriteria, generated: Date) -> ReportPage {
        // Worst first, as the page opens: failures, then the lowest scores.
        let rows = sections.map(\.row).sorted {
            (Double($0.sortWorst) ?? 2, $0.name) < (Double($1.sortWorst) ?? 2, $1.name)
        }
        let failed = sections.filter { $0.status == .failed }.count
        let partial = sections.filter { $0.status == .partial }.count
        let pending = sections.filter { $0.status == .pending }.count
        let soft = sections.filter { $0.softSeconds > 0 }.count
        let softSeconds = sections.reduce(0) { $0 + $1.softSeconds }
        var cards = [
            ReportPage.Card(label: "Clips", value: String(sections.count), tone: ""),
            ReportPage.Card(label: "With soft shots", value: String(soft), tone: soft > 0 ? "bad" : ""),
            ReportPage.Card(label: "Soft time", value: ReportFormat.duration(softSeconds), tone: softSeconds > 0 ? "bad" : ""),
            ReportPage.Card(label: "Failed", value: String(failed), tone: failed > 0 ? "bad" : ""),
            ReportPage.Card(label: "Damaged (partial)", value: String(partial), tone: partial > 0 ? "warn" : ""),
        ]
        if pending > 0 { cards.append(ReportPage.Card(label: "Not analysed", value: String(pending), tone: "warn")) }
        cards.append(ReportPage.Card(label: "Skipped files", value: String(skipped.count), tone: ""))

        let roots = Array(Set(sections.map(\.root) + skipped.map(\.clip.root))).sorted()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        let subtitle = [
            roots.isEmpty ? "no clips" : roots.joined(separator: ", "),
            "\(method): soft below \(ReportFormat.score(criteria.enterBelow)) (until above \(ReportFormat.score(criteria.leaveAbove))) "
                + "for at least \(ReportFormat.duration(criteria.minimumSeconds))",
            formatter.string(from: generated),
        ].joined(separator: " · ")
        return ReportPage(title: "Soft shots: \(sections.count) clip\(sections.count == 1 ? "" : "s")", subtitle: subtitle,
                          cards: cards, clips: rows,
                          skipped: skipped.map { ReportPage.Skipped(name: $0.clip.name, reason: $0.message ?? "not a clip") },
                          hasSkipped: !skipped.isEmpty, skippedCount: skipped.count)
    }
}
