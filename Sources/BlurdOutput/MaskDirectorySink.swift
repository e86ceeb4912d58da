import Glibc
import BlurdAnalysis
import BlurdPipeline

/// `--masks DIR`: each analysed frame's blur probability map as a binary 8-bit PGM (P5) at
/// grid resolution, 255 = surely blurred, named `frame_000123.pgm` by frame index. Frames in
/// state `no_texture` have no map and get no file. A model with blur-type heads (blurseg-v3)
/// adds the frame's type map beside it: `frame_000123.motion.pgm`, P(motion | blurred) per
/// cell (255 = surely motion, 0 = surely defocus), and `frame_000123.angle.pgm`, the smear
/// direction in degrees 0…179 per cell (counter-clockwise on screen, 255 = no main direction),
/// both on the same grid (`BlurTypeMap`).
public final class MaskDirectorySink: FrameSink {
    public let directory: String

    /// Creates `directory` (and its parents) if needed.
    public init(directory: String) throws {
        self.directory = directory
        try MaskDirectorySink.makeDirectory(directory)
    }

    public func write(_ result: FrameResult) throws {
        guard result.analysis.state == .ok else { return }
        let map = result.analysis.map, frame = result.meta.index
        try writePGM(map.probability, width: map.width, height: map.height, name: MaskDirectorySink.fileName(frame: frame))
        if let types = result.analysis.typeMap {
            try writePGM(types.motion, width: types.width, height: types.height,
                         name: MaskDirectorySink.fileName(frame: frame, kind: "motion"))
            try writePGM(types.angle, width: types.width, height: types.height,
                         name: MaskDirectorySink.fileName(frame: frame, kind: "angle"))
        }
    }

    private func writePGM(_ pixels: [UInt8], width: Int, height: Int, name: String) throws {
        let file = try OutputFile(creating: directory + "/" + name)
        var bytes = Array("P5\n\(width) \(height)\n255\n".utf8)
        bytes.append(contentsOf: pixels)
        try file.write(bytes)
        try file.close()
    }

    public func finish(_ summary: RunSummary) throws {}

    /// `frame_000123.pgm` (or `frame_000123.KIND.pgm`): six digits, more when the index needs them.
    public static func fileName(frame: Int, kind: String? = nil) -> String {
        let digits = String(frame)
        return "frame_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + (kind.map { "." + $0 } ?? "") + ".pgm"
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
