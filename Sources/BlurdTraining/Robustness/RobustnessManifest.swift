import Foundation

/// Reads a robustness set: `cases.csv` in the set's directory, with the header
/// `name,kind,video,mask,sigmas` (file names relative to the directory; `mask` only for
/// `region`, `sigmas` only for `focus`: a CSV `frame,sigma` with one row per frame, in order).
public enum RobustnessManifest {
    public static let fileName = "cases.csv"
    static let header = "name,kind,video,mask,sigmas"

    public static func read(directory: String) throws -> [RobustnessCase] {
        let base = URL(fileURLWithPath: directory)
        let path = base.appendingPathComponent(fileName).path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RobustnessError.manifest("cannot read \(path) (make it with scripts/make-robustness-set.sh)")
        }
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard lines.first == header else {
            throw RobustnessError.manifest("\(path): the first line must be '\(header)'")
        }
        lines.removeFirst()
        guard !lines.isEmpty else { throw RobustnessError.manifest("\(path) lists no cases") }
        return try lines.enumerated().map { number, line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let at = "\(path) line \(number + 2)"
            guard fields.count == 5 else { throw RobustnessError.manifest("\(at): expected 5 fields, got \(fields.count)") }
            guard let kind = RobustnessCase.Kind(rawValue: fields[1]) else {
                throw RobustnessError.manifest("\(at): unknown kind '\(fields[1])'")
            }
            func file(_ name: String, _ what: String) throws -> String {
                let file = base.appendingPathComponent(name).path
                guard FileManager.default.fileExists(atPath: file) else {
                    throw RobustnessError.manifest("\(at): \(what) \(file) does not exist")
                }
                return file
            }
            let video = try file(fields[2], "video")
            var mask: String?
            var sigmas: [Double]?
            switch kind {
            case .region:
                guard !fields[3].isEmpty else { throw RobustnessError.manifest("\(at): a region case needs a mask") }
                mask = try file(fields[3], "mask")
            case .focus:
                guard !fields[4].isEmpty else { throw RobustnessError.manifest("\(at): a focus case needs a sigma schedule") }
                sigmas = try readSigmas(try file(fields[4], "sigma schedule"))
            case .sharp, .covered, .flat:
                break
            }
            return RobustnessCase(name: fields[0], kind: kind, video: video, mask: mask, sigmas: sigmas)
        }
    }

    /// `frame,sigma` rows with frames 0, 1, 2, … in order.
    static func readSigmas(_ path: String) throws -> [Double] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RobustnessError.manifest("cannot read \(path)")
        }
        let rows = text.split(whereSeparator: \.isNewline).dropFirst()
        return try rows.enumerated().map { index, row in
            let fields = row.split(separator: ",")
            guard fields.count == 2, Int(fields[0]) == index, let sigma = Double(fields[1]), sigma.isFinite, sigma >= 0 else {
                throw RobustnessError.manifest("\(path) row \(index + 2): expected '\(index),SIGMA' with SIGMA ≥ 0")
            }
            return sigma
        }
    }
}
