/// The soft-shot list as a CMX3600 EDL that editing software (DaVinci Resolve, Premiere Pro,
/// Avid, Final Cut via converters) imports as a timeline or as markers.
///
/// One cut event per segment on the video track, reel `AX` (an auxiliary source), source and
/// record in/out both equal to the segment's timecodes so the record side lines up with the
/// source. Each event carries `* FROM CLIP NAME:`, a `* LOC:` marker at its in point (Resolve
/// and Premiere read these as markers) and a `* COMMENT:` with the scores and where the
/// timecodes count from (`SOURCE TC`: the clip's own start timecode; `TC FROM FIRST FRAME`:
/// 00:00:00:00 at its first frame, when it has none):
///
///     TITLE: clip.mp4 soft shots
///     FCM: NON-DROP FRAME
///
///     001  AX       V     C        00:00:01:00 00:00:02:00 00:00:01:00 00:00:02:00
///     * FROM CLIP NAME: clip.mp4
///     * LOC: 00:00:01:00 RED     SOFT 1 MIN 0.10 MEAN 0.15
///     * COMMENT: SOFT SHOT 1 OF 1, 1.00 S, SCORE MIN 0.1034 MEAN 0.1520, TC FROM FIRST FRAME
public enum SoftShotEDL {
    public static func text(for report: SoftShotReport) -> String {
        let format = report.timecode
        var lines = [
            "TITLE: " + sanitized(report.title + " soft shots", limit: 70),
            "FCM: " + (format.dropFrame ? "DROP FRAME" : "NON-DROP FRAME"),
            "",
        ]
        let count = report.segments.count
        let origin = format.origin == .source ? "SOURCE TC" : "TC FROM FIRST FRAME"
        for (offset, segment) in report.segments.enumerated() {
            let number = offset + 1
            let inPoint = format.string(frame: segment.startFrame)
            let outPoint = format.string(frame: segment.endFrame)
            let event = String(repeating: "0", count: max(0, 3 - String(number).count)) + String(number)
            lines.append("\(event)  AX       V     C        \(inPoint) \(outPoint) \(inPoint) \(outPoint)")
            lines.append("* FROM CLIP NAME: " + sanitized(report.title, limit: 70))
            lines.append("* LOC: \(inPoint) RED     SOFT \(number) MIN \(SoftShotCSV.fixed(segment.minScore, 2)) MEAN \(SoftShotCSV.fixed(segment.meanScore, 2))")
            lines.append("* COMMENT: SOFT SHOT \(number) OF \(count), \(SoftShotCSV.fixed(segment.durationSeconds, 2)) S, "
                         + "SCORE MIN \(SoftShotCSV.fixed(segment.minScore, 4)) MEAN \(SoftShotCSV.fixed(segment.meanScore, 4)), \(origin)")
            lines.append("")
        }
        // CMX3600 is a CR LF, plain ASCII format.
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Printable ASCII only and at most `limit` characters: the format predates Unicode.
    static func sanitized(_ text: String, limit: Int) -> String {
        String(text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : "_" }
            .prefix(limit))
    }
}
