import BlurdAnalysis
import Foundation

/// The soft-shot list as CSV (RFC 4180, comma-separated, header row), one segment per row:
///
///     segment,start_frame,end_frame,start_tc,end_tc,start_s,end_s,duration_s,min_score,mean_score,tc_origin
///     1,25,50,01:00:01:00,01:00:02:00,1.000000,2.000000,1.000000,0.1034,0.1520,source
///
/// `end_frame`/`end_tc`/`end_s` are the exclusive out point (one past the last soft frame).
/// Frames and seconds count from the first frame of the stream; `tc_origin` says where the
/// timecodes count from: `source` (the clip's own start timecode) or `first_frame`
/// (00:00:00:00 at frame 0, the clip has none). A log from a model with blur-type heads adds a
/// last column, `blur_type`: the shot's dominant type, `defocus`, `motion` or `mixed`
/// (`SoftSegment.blurType`), empty when under 1 % of its cells are blurred; other logs keep
/// exactly the columns above.
public enum SoftShotCSV {
    public static let header = "segment,start_frame,end_frame,start_tc,end_tc,start_s,end_s,duration_s,min_score,mean_score,tc_origin"
    /// The header of a report with blur types.
    public static let typedHeader = header + ",blur_type"

    public static func text(for report: SoftShotReport) -> String {
        let typed = report.typed
        var lines = [typed ? typedHeader : header]
        for (number, segment) in report.segments.enumerated() {
            let fields = [
                String(number + 1), String(segment.startFrame), String(segment.endFrame),
                report.timecode.string(frame: segment.startFrame), report.timecode.string(frame: segment.endFrame),
                fixed(segment.startSeconds, 6), fixed(segment.endSeconds, 6), fixed(segment.durationSeconds, 6),
                fixed(segment.minScore, 4), fixed(segment.meanScore, 4), report.timecode.origin.rawValue,
            ] + (typed ? [segment.blurType?.rawValue ?? ""] : [])
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads segments back from `text` as written by `text(for:)`.
    public static func parse(_ text: String) throws -> [SoftSegment] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        let typed = lines.first == typedHeader
        guard lines.first == header || typed else {
            throw ReportError.malformedCSV(line: 1, reason: "expected the header \(header)")
        }
        let columns = typed ? 12 : 11
        var segments: [SoftSegment] = []
        for (offset, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == columns else {
                throw ReportError.malformedCSV(line: offset + 1, reason: "\(fields.count) fields instead of \(columns)")
            }
            let blurType = typed ? BlurTypeSummary.Dominant(rawValue: fields[11]) : nil
            guard !typed || fields[11].isEmpty || blurType != nil else {
                throw ReportError.malformedCSV(line: offset + 1, reason: "blur_type '\(fields[11])' is not defocus, motion or mixed")
            }
            guard let startFrame = Int(fields[1]), let endFrame = Int(fields[2]),
                  let startSeconds = Double(fields[5]), let endSeconds = Double(fields[6]),
                  let minScore = Double(fields[8]), let meanScore = Double(fields[9]) else {
                throw ReportError.malformedCSV(line: offset + 1, reason: "a number field does not parse")
            }
            segments.append(SoftSegment(startFrame: startFrame, endFrame: endFrame, startSeconds: startSeconds,
                                        endSeconds: endSeconds, minScore: minScore, meanScore: meanScore, blurType: blurType))
        }
        return segments
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
