import BlurdOutput
import Foundation
import XCTest

final class ReportFormatTests: XCTestCase {
    /// Three soft stretches at 29.97 fps, one crossing the first dropped minute boundary.
    private func report() -> SoftShotReport {
        let rate = 30000.0 / 1001
        var scores = [Double](repeating: 0.9, count: 2400)
        for range in [100..<160, 1780..<1830, 2000..<2300] {
            for index in range { scores[index] = 0.1 + Double(index % 7) * 0.01 }
        }
        let frames = scores.enumerated().map { ScoredFrame(index: $0.offset, pts: Double($0.offset) / rate, score: $0.element) }
        return SoftShotReport(title: "clip.mp4", frames: frames, frameRate: rate, criteria: SoftShotCriteria())
    }

    func testCSVRoundTrip() throws {
        let report = report()
        XCTAssertEqual(report.segments.count, 3)
        let text = SoftShotCSV.text(for: report)
        XCTAssertTrue(text.hasPrefix(SoftShotCSV.header + "\n"))
        let parsed = try SoftShotCSV.parse(text)
        XCTAssertEqual(parsed.count, report.segments.count)
        for (read, original) in zip(parsed, report.segments) {
            XCTAssertEqual(read.startFrame, original.startFrame)
            XCTAssertEqual(read.endFrame, original.endFrame)
            XCTAssertEqual(read.startSeconds, original.startSeconds, accuracy: 1e-6)
            XCTAssertEqual(read.endSeconds, original.endSeconds, accuracy: 1e-6)
            XCTAssertEqual(read.minScore, original.minScore, accuracy: 1e-4)
            XCTAssertEqual(read.meanScore, original.meanScore, accuracy: 1e-4)
        }
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.map { $0[3] }, report.segments.map { report.timecode.string(frame: $0.startFrame) })
        XCTAssertThrowsError(try SoftShotCSV.parse("segment,start\n1,2\n"))
    }

    /// Parses the EDL the way an importer does: header, then events of
    /// `NNN  REEL  V  C  srcIn srcOut recIn recOut` with comment lines.
    func testEDLFieldsParse() throws {
        let report = report()
        let text = SoftShotEDL.text(for: report)
        XCTAssertTrue(text.allSatisfy(\.isASCII))
        let lines = text.components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], "TITLE: clip.mp4 soft shots")
        XCTAssertEqual(lines[1], "FCM: DROP FRAME")
        let format = report.timecode
        var events: [(number: Int, fields: [String])] = []
        var markers: [String] = []
        for line in lines.dropFirst(2) where !line.isEmpty {
            if line.hasPrefix("* LOC: ") { markers.append(line); continue }
            if line.hasPrefix("* ") { continue }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            XCTAssertEqual(fields.count, 8, line)
            XCTAssertEqual(fields[0].count, 3, line)
            XCTAssertEqual(fields[2], "V")
            XCTAssertEqual(fields[3], "C")
            events.append((Int(fields[0]) ?? -1, fields))
        }
        XCTAssertEqual(events.map(\.number), [1, 2, 3])
        XCTAssertEqual(markers.count, 3)
        for (event, segment) in zip(events, report.segments) {
            let codes = event.fields[4...7].map { format.frame(of: $0) }
            XCTAssertFalse(codes.contains(nil), "invalid timecode in \(event.fields)")
            let (sourceIn, sourceOut, recordIn, recordOut) = (codes[0]!, codes[1]!, codes[2]!, codes[3]!)
            XCTAssertLessThan(sourceIn, sourceOut)
            XCTAssertEqual(recordOut - recordIn, sourceOut - sourceIn)
            XCTAssertEqual(sourceIn, segment.startFrame)
            XCTAssertEqual(sourceOut, segment.endFrame)
        }
        // The second segment's in point lies before the minute and its out point after it.
        XCTAssertEqual(events[1].fields[4], "00:00:59;10")
        XCTAssertEqual(events[1].fields[5], "00:01:01;02")
        XCTAssertTrue(markers[0].hasPrefix("* LOC: \(events[0].fields[4]) RED "))
    }

    func testSVGShadesEverySegment() {
        let svg = SharpnessTimelineSVG.text(for: report())
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
        XCTAssertEqual(svg.components(separatedBy: "class=\"soft\"").count - 1, 3)
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 1)
    }

    func testSVGOfALongClipKeepsTwoPointsPerColumnAndTheDips() throws {
        var frames = (0..<90_000).map { ScoredFrame(index: $0, pts: Double($0) / 25, score: 0.9) }
        frames[45_000].score = 0.05
        let report = SoftShotReport(title: "long", frames: frames, frameRate: 25, criteria: SoftShotCriteria(minimumSeconds: 0))
        let svg = SharpnessTimelineSVG.text(for: report)
        let polyline = try XCTUnwrap(svg.components(separatedBy: "\n").first { $0.hasPrefix("<polyline") })
        let points = polyline.components(separatedBy: "points=\"")[1].split(separator: " ")
        XCTAssertLessThanOrEqual(points.count, 2 * 1121)
        XCTAssertGreaterThan(points.count, 1000)
        // The one soft frame is still drawn at the bottom of the plot (score 0.05 → y = 258).
        XCTAssertTrue(points.contains { $0.hasSuffix(",258") }, "the dip was lost")
    }

    func testScoreLogReaderReadsFramesAndSkipsTheSummary() throws {
        let log = """
            {"frame":0,"pts":0,"keyframe":true,"width":64,"height":36,"state":"ok","score":0.9,"blurred_fraction":0,"method":"classic","mask":{"grid":[4,2],"encoding":"rle","data":[8]}}
            {"frame":1,"pts":0.04,"keyframe":false,"width":64,"height":36,"state":"no_texture","score":null,"blurred_fraction":null,"method":"classic","mask":"unknown"}
            {"summary":{"frames_decoded":2,"frames_analysed":2}}

            """
        let frames = try ScoreLogReader.parse(Data(log.utf8), path: "log")
        XCTAssertEqual(frames, [ScoredFrame(index: 0, pts: 0, score: 0.9), ScoredFrame(index: 1, pts: 0.04, score: nil)])
        XCTAssertThrowsError(try ScoreLogReader.parse(Data("{\"frame\":0}\n".utf8), path: "log")) { error in
            XCTAssertEqual(error as? ReportError, .malformedLog(path: "log", line: 1, reason: "a frame line needs frame, pts and state"))
        }
        XCTAssertThrowsError(try ScoreLogReader.parse(Data("not json\n".utf8), path: "log"))
    }

    /// The log numbers that trapped the SVG plot (pts 1e20) and the frame-rate estimate (frames
    /// at Int64's ends) are refused by the reader, naming the line.
    func testScoreLogReaderRefusesNumbersOutOfRange() {
        let table: [(String, String)] = [
            ("{\"frame\":1,\"pts\":1e20,\"state\":\"ok\",\"score\":0.9}", "pts must be in -1000000000...1000000000, got 1e+20"),
            ("{\"frame\":1,\"pts\":-1e20,\"state\":\"no_texture\"}", "pts must be in -1000000000...1000000000, got -1e+20"),
            ("{\"frame\":9223372036854775807,\"pts\":1,\"state\":\"ok\",\"score\":0.9}",
             "frame must be in 0...1000000000000, got 9.223372036854776e+18"),
            ("{\"frame\":-9223372036854775808,\"pts\":1,\"state\":\"ok\",\"score\":0.9}",
             "frame must be in 0...1000000000000, got -9.223372036854776e+18"),
            ("{\"frame\":1.5,\"pts\":1,\"state\":\"ok\",\"score\":0.9}", "frame 1.5 is not a whole number"),
            ("{\"frame\":1,\"pts\":1,\"state\":\"ok\",\"score\":-0.5}", "score must be in 0...1, got -0.5"),
        ]
        for (line, reason) in table {
            let log = "{\"frame\":0,\"pts\":0,\"state\":\"ok\",\"score\":0.9}\n" + line + "\n"
            XCTAssertThrowsError(try ScoreLogReader.parse(Data(log.utf8), path: "log"), line) { error in
                XCTAssertEqual(error as? ReportError, .malformedLog(path: "log", line: 2, reason: reason))
                XCTAssertEqual((error as? ReportError)?.exitCode, 7)
            }
        }
    }

    /// At the ends of the ranges everything downstream stays finite and in Int: the estimate,
    /// the CSV, the EDL and the plot of a log spanning 2·10⁹ s.
    func testAReportAtTheEndsOfTheRangesIsWritten() throws {
        let frames = [ScoredFrame(index: 0, pts: -1e9, score: 0.9), ScoredFrame(index: 500_000_000_000, pts: 0, score: 0.1),
                      ScoredFrame(index: 1_000_000_000_000, pts: 1e9, score: 0.1)]
        let rate = try XCTUnwrap(FrameRateEstimate.infer(from: frames))
        XCTAssertEqual(rate, 500)
        let report = SoftShotReport(title: "ends", frames: frames, frameRate: rate, criteria: SoftShotCriteria())
        XCTAssertEqual(report.segments.count, 1)
        XCTAssertTrue(SharpnessTimelineSVG.text(for: report).hasSuffix("</svg>\n"))
        XCTAssertEqual(try SoftShotCSV.parse(SoftShotCSV.text(for: report)).count, 1)
        XCTAssertFalse(SoftShotEDL.text(for: report).isEmpty)
    }
}
