import BlurdOutput

/// DIR/soft-shots.csv: every soft shot of every clip, one per row, in the columns of the
/// per-clip CSV (`SoftShotCSV`, whose rows are reused as they are) after a first column naming
/// the clip (`ROOT/RELATIVE`), and `blur_type` last when any clip's log has blur types (a clip
/// without them leaves it empty):
///
///     clip,segment,start_frame,end_frame,start_tc,end_tc,start_s,end_s,duration_s,min_score,mean_score,tc_origin
///     cardA/day1/A001.mov,1,25,50,01:00:01:00,01:00:02:00,1.000000,2.000000,1.000000,0.1034,0.1520,source
enum SoftShotsTable {
    static let header = "clip," + SoftShotCSV.header

    static func text(for reports: [ClipReport]) -> String {
        let typed = reports.contains { $0.scores?.softShots.typed ?? false }
        var lines = [typed ? "clip," + SoftShotCSV.typedHeader : header]
        for report in reports {
            guard let scores = report.scores, !scores.softShots.segments.isEmpty else { continue }
            let clip = field(report.clip.name)
            let rows = SoftShotCSV.text(for: scores.softShots).split(separator: "\n").dropFirst()
            let padding = typed && !scores.softShots.typed ? "," : ""
            lines += rows.map { clip + "," + $0 + padding }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting for a name holding a comma, a quote or a line break.
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
