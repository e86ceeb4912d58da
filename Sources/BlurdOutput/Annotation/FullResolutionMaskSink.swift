import BlurdCore
import BlurdMedia
import BlurdAnalysis
import BlurdPipeline
import Foundation

/// `--masks-full DIR`: each analysed frame's blur probability map upsampled bilinearly to the
/// source size, as an 8-bit grey PNG `DIR/frame_000123.png` (255 = surely blurred). Like
/// `--masks`, `no_texture` frames get no file.
public final class FullResolutionMaskSink: FrameSink {
    public let directory: String
    public let width: Int
    public let height: Int
    private var upsampler: MaskUpsampler?

    /// `width`×`height` is the source frame size. Creates `directory` if needed.
    public init(directory: String, width: Int, height: Int) throws {
        guard width > 0, height > 0 else {
            throw MediaError.invalidOption("mask size \(width)x\(height) must be positive")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError.cannotOpen(path: directory, reason: (error as NSError).localizedDescription)
        }
        self.directory = directory
        self.width = width
        self.height = height
    }

    public func write(_ result: FrameResult) throws {
        guard result.analysis.state == .ok else { return }
        let map = result.analysis.map
        if upsampler?.gridWidth != map.width || upsampler?.gridHeight != map.height {
            upsampler = MaskUpsampler(gridWidth: map.width, gridHeight: map.height, outputWidth: width, outputHeight: height)
        }
        guard let upsampler else { return }
        let image = GrayImage(width: width, height: height, pixels: upsampler.upsample(map))
        try ImageFile.writePNG(image, to: directory + "/" + Self.fileName(frame: result.meta.index))
    }

    public func finish(_ summary: RunSummary) throws {}

    /// `frame_000123.png`: six digits, more when the index needs them.
    public static func fileName(frame: Int) -> String {
        let digits = String(frame)
        return "frame_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".png"
    }
}
