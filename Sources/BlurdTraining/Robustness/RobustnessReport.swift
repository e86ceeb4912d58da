import Foundation

/// The robustness table of every method on every case, with the targets, as Markdown or JSON.
public struct RobustnessReport: Sendable, Codable {
    public var set: String
    public var methods: [String]
    public var results: [RobustnessCaseResult]
    public var targets: [RobustnessTargets]

    public init(set: String, methods: [String], results: [RobustnessCaseResult]) {
        self.set = set
        self.methods = methods
        self.results = results
        targets = methods.map { RobustnessTargets(method: $0, results: results) }
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Markdown: one table per kind of case (methods side by side), then the targets.
    public var table: String {
        var out = "Robustness set \(set)\n"
        let names = results.reduce(into: [String]()) { if !$0.contains($1.name) { $0.append($1.name) } }
        func result(_ method: String, _ name: String) -> RobustnessCaseResult? {
            results.first { $0.method == method && $0.name == name }
        }
        func section(_ title: String, kinds: [RobustnessCase.Kind], metrics: [String],
                     cell: (RobustnessCaseResult) -> [String]) {
            let rows = names.filter { name in results.contains { $0.name == name && kinds.map(\.rawValue).contains($0.kind) } }
            guard !rows.isEmpty else { return }
            out += "\n\(title)\n\n| case |"
            for method in methods { for metric in metrics { out += " \(method) \(metric) |" } }
            out += "\n|---|" + String(repeating: "---|", count: methods.count * metrics.count) + "\n"
            for name in rows {
                out += "| \(name) |"
                for method in methods {
                    let values = result(method, name).map(cell) ?? [String](repeating: "", count: metrics.count)
                    for value in values { out += " \(value) |" }
                }
                out += "\n"
            }
        }
        section("Sharp cases: mean blurred fraction (target ≤ 0.05), mean score (≥ 0.8), no_texture rate (0)",
                kinds: [.sharp], metrics: ["bf", "score", "nt"]) {
            [Self.format($0.meanBlurredFraction), Self.format($0.meanScore, digits: 2), Self.percent($0.noTextureRate)]
        }
        section("Blurred-region cases: region IoU at the mask grid over textured cells (target ≥ 0.7) and over all cells",
                kinds: [.region], metrics: ["IoU", "IoU all"]) {
            [Self.format($0.texturedRegionIoU), Self.format($0.regionIoU)]
        }
        section("Covered lens and flat frames: no_texture rate (target ≥ 95 %)",
                kinds: [.covered, .flat], metrics: ["nt"]) { [Self.percent($0.noTextureRate)] }
        section("Focus pulls: Spearman ρ of sigma vs 1 − score (target ≥ 0.98), mean score",
                kinds: [.focus], metrics: ["ρ", "score"]) {
            [Self.format($0.focusSpearman), Self.format($0.meanScore, digits: 2)]
        }
        out += "\nTargets (worst case over the set)\n\n"
        out += "| method | sharp bf ≤ 0.05 | sharp score ≥ 0.8 | sharp no_texture = 0 | region IoU ≥ 0.7 | (IoU all cells) | covered/flat no_texture ≥ 95 % | focus ρ ≥ 0.98 | all met |\n"
        out += "|---|---|---|---|---|---|---|---|---|\n"
        for target in targets {
            out += "| \(target.method) | \(Self.format(target.worstSharpBlurredFraction)) | \(Self.format(target.worstSharpScore, digits: 2))"
                + " | \(target.sharpNoTextureFrames) | \(Self.format(target.worstRegionIoU)) | \(Self.format(target.worstAllCellsRegionIoU))"
                + " | \(target.worstNoTextureRate.map(Self.percent) ?? "–") | \(Self.format(target.worstFocusSpearman))"
                + " | \(target.allMet ? "yes" : "no") |\n"
        }
        out += "\nCounted over the set\n\n"
        out += "| method | sharp bf ≤ 0.05 | mean sharp bf | sharp score ≥ 0.8 | region IoU ≥ 0.7 | mean region IoU |\n"
        out += "|---|---|---|---|---|---|\n"
        for target in targets {
            out += "| \(target.method) | \(target.sharpCasesMeetingBlurredFraction) / \(target.sharpCases)"
                + " | \(Self.format(target.meanSharpBlurredFraction)) | \(target.sharpCasesMeetingScore) / \(target.sharpCases)"
                + " | \(target.regionCasesMeetingIoU) / \(target.regionCases) | \(Self.format(target.meanRegionIoU)) |\n"
        }
        return out
    }

    static func format(_ value: Double?, digits: Int = 3) -> String {
        value.map { String(format: "%.\(digits)f", $0) } ?? "–"
    }

    static func percent(_ value: Double) -> String { String(format: "%.0f %%", 100 * value) }
}
