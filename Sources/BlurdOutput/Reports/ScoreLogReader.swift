import BlurdCore
import Foundation

/// Reads the frame scores back from a saved `blurd analyze` JSON Lines file (docs/JSONL.md),
/// so reports can be made without decoding the video again. The summary line is skipped.
public enum ScoreLogReader {
    /// `frame`: a trillion frames is ten years at 1000 fps, and keeps frame × rate exact in a Double.
    public static let frameRange = ValueRange<Double>(0...1e12)
    /// `pts` in seconds: about 31 years either side of the stream's start.
    public static let ptsRange = ValueRange<Double>(-1e9...1e9)
    /// `score`: a probability of sharpness.
    public static let scoreRange = ValueRange<Double>(0...1)
    /// `defocus_fraction`, `motion_fraction` (blur-type models): shares of a frame's cells.
    public static let fractionRange = ValueRange<Double>(0...1)

    public static func read(path: String) throws -> [ScoredFrame] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError.unreadableLog(path: path, reason: (error as NSError).localizedDescription)
        }
        return try parse(data, path: path)
    }

    /// Frames of the log in `data`; `path` only names the source in errors.
    public static func parse(_ data: Data, path: String) throws -> [ScoredFrame] {
        var frames: [ScoredFrame] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
            let object: [String: Any]
            do {
                guard let parsed = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                    throw ReportError.malformedLog(path: path, line: lineNumber, reason: "not a JSON object")
                }
                object = parsed
            } catch let error as ReportError {
                throw error
            } catch {
                throw ReportError.malformedLog(path: path, line: lineNumber, reason: "not valid JSON")
            }
            if object["summary"] != nil { continue }
            guard let frame = (object["frame"] as? NSNumber)?.doubleValue,
                  let pts = (object["pts"] as? NSNumber)?.doubleValue,
                  let state = object["state"] as? String else {
                throw ReportError.malformedLog(path: path, line: lineNumber, reason: "a frame line needs frame, pts and state")
            }
            var score: Double?
            if state == "ok" {
                guard let value = (object["score"] as? NSNumber)?.doubleValue else {
                    throw ReportError.malformedLog(path: path, line: lineNumber, reason: "an ok frame without a score")
                }
                score = value
            }
            // Checked before any conversion or arithmetic: a value beyond them traps in the
            // frame-rate estimate, the timecodes and the plot.
            if let problem = Self.frameRange.problem("frame", frame) ?? Self.ptsRange.problem("pts", pts)
                ?? score.flatMap({ Self.scoreRange.problem("score", $0) }) {
                throw ReportError.malformedLog(path: path, line: lineNumber, reason: problem)
            }
            guard frame == frame.rounded() else {
                throw ReportError.malformedLog(path: path, line: lineNumber, reason: "frame \(frame) is not a whole number")
            }
            let index = Int(frame)
            if let previous = frames.last, index <= previous.index {
                throw ReportError.malformedLog(path: path, line: lineNumber,
                                               reason: "frame \(index) after frame \(previous.index): not in frame order")
            }
            var blurTypes: (defocus: Double, motion: Double)?
            if score != nil, let defocus = (object["defocus_fraction"] as? NSNumber)?.doubleValue,
               let motion = (object["motion_fraction"] as? NSNumber)?.doubleValue {
                if let problem = Self.fractionRange.problem("defocus_fraction", defocus)
                    ?? Self.fractionRange.problem("motion_fraction", motion) {
                    throw ReportError.malformedLog(path: path, line: lineNumber, reason: problem)
                }
                blurTypes = (defocus, motion)
            }
            frames.append(ScoredFrame(index: index, pts: pts, score: score, blurTypes: blurTypes))
        }
        return frames
    }
}
