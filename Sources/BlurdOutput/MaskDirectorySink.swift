import Glibc
import BlurdAnalysis
import BlurdPipeline

/// `--masks DIR`: each analysed frame's blur probability map as a binary 8-bit PGM (P5) at
/// grid resolution, 255 = surely blurred, named `frame_000123.pgm` by frame index. Frames in
/// state `no_texture` have no map and get no file.
public final class MaskDirectorySink: FrameSink {
    public let directory: String

    /// Creates `directory` (and its parents) if needed.
    public init(directory: String) throws {
        self.directory = directory
        try MaskDirectorySink.makeDirectory(directory)
    }

    public func write(_ result: FrameResult) throws {
        guard result.analysis.state == .ok else { return }
        let map = result.analysis.map
        let path = directory + "/" + MaskDirectorySink.fileName(frame: result.meta.index)
        let file = try OutputFile(creating: path)
        var bytes = Array("P5\n\(map.width) \(map.height)\n255\n".utf8)
        bytes.append(contentsOf: map.probability)
        try file.write(bytes)
        try file.close()
    }

    public func finish(_ summary: RunSummary) throws {}

    /// `frame_000123.pgm`: six digits, more when the index needs them.
    public static func fileName(frame: Int) -> String {
        let digits = String(frame)
        return "frame_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".pgm"
    }

    private static func makeDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw OutputError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
        }
    }
}
