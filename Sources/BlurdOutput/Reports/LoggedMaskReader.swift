import BlurdAnalysis
import BlurdCore
import Foundation

/// Reads the blur masks of chosen frames back from a saved `blurd analyze` JSON Lines file
/// (docs/JSONL.md, `"encoding": "rle"`), so a report can draw a frame's overlay long after the
/// run, from what is on disk. Only the lines of the wanted frames are parsed as JSON.
public enum LoggedMaskReader {
    /// Cells per grid side: the CNN's grid of a 16K frame at full resolution is 4096 wide.
    public static let gridSideRange = ValueRange<Int>(1...4096)

    /// The binary mask of each frame of `frames` found in the log, as a map whose blurred cells
    /// hold 255 and sharp cells 0; frames that are absent, `no_texture` or whose mask does not
    /// decode are left out. Throws `ReportError.unreadableLog` when the file cannot be read.
    public static func masks(path: String, frames wanted: Set<Int>) throws -> [Int: BlurMap] {
        guard !wanted.isEmpty else { return [:] }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError.unreadableLog(path: path, reason: (error as NSError).localizedDescription)
        }
        let prefix = Array("{\"frame\":".utf8)
        var found: [Int: BlurMap] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            // `analyze` writes "frame" first: its number decides without parsing the line.
            guard line.starts(with: prefix) else { continue }
            let digits = line.dropFirst(prefix.count).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard digits.count <= 13, let frame = Int(String(decoding: digits, as: UTF8.self)), wanted.contains(frame),
                  let map = mask(in: Data(line)) else { continue }
            found[frame] = map
            if found.count == wanted.count { break }
        }
        return found
    }

    /// The mask of one frame line; nil when it has none or it is malformed.
    static func mask(in line: Data) -> BlurMap? {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
              let mask = object["mask"] as? [String: Any], mask["encoding"] as? String == "rle",
              let grid = (mask["grid"] as? [NSNumber])?.map(\.intValue), grid.count == 2,
              gridSideRange.contains(grid[0]), gridSideRange.contains(grid[1]),
              let runs = (mask["data"] as? [NSNumber])?.map(\.intValue),
              let cells = MaskRunLengths.decode(runs, count: grid[0] * grid[1]) else { return nil }
        return BlurMap(width: grid[0], height: grid[1], probability: cells.map { $0 ? 255 : 0 })
    }
}
