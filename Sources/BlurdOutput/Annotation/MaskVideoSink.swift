import BlurdCore
import BlurdMedia
import BlurdAnalysis
import BlurdPipeline

/// `--mask-video OUT`: the blur probability map of every analysed frame, upsampled bilinearly
/// to the source size, as a grey video (luma = probability byte, 255 = surely blurred; chroma
/// neutral). ffv1 (lossless, the default) or libx264; the input's timestamps and frame rate are
/// kept. `no_texture` frames are black (nothing marked), so the video has every frame.
public final class MaskVideoSink: FrameSink {
    private let writer: VideoWriter
    private var timestamps: FrameTimestamps
    private var upsampler: MaskUpsampler?
    private var mask: [UInt8] = []
    private let width: Int
    private let height: Int

    /// Odd source sizes are rounded down to even, as 4:2:0 needs.
    public init(path: String, stream: StreamInfo, codec: String = "ffv1") throws {
        width = max(2, stream.width & ~1)
        height = max(2, stream.height & ~1)
        var options = VideoWriterOptions(path: path, width: width, height: height, codec: codec)
        timestamps = FrameTimestamps(stream: stream)
        timestamps.configure(&options, stream: stream)
        options.crf = 18
        writer = try VideoWriter(options: options)
    }

    public func write(_ result: FrameResult) throws {
        let map = result.analysis.map
        if result.analysis.state == .ok, map.width > 0, map.height > 0 {
            if upsampler?.gridWidth != map.width || upsampler?.gridHeight != map.height {
                upsampler = MaskUpsampler(gridWidth: map.width, gridHeight: map.height, outputWidth: width, outputHeight: height)
            }
            upsampler?.upsample(map, into: &mask)
        } else {
            mask = [UInt8](repeating: 0, count: width * height)
        }
        try writer.write(gray: GrayImage(width: width, height: height, pixels: mask),
                         pts: timestamps.units(seconds: result.meta.pts))
    }

    public func finish(_ summary: RunSummary) throws {
        try writer.finish()
    }
}
