import BlurdCore
import BlurdMedia

/// Encodes synthetic grey frames with BlurdMedia's writer, so tests make their own clips.
public enum ClipEncoder {
    /// Writes frames `frame(0)`, …, `frame(frames - 1)` with `options`, finishes the file and
    /// returns its path.
    @discardableResult
    public static func encode(_ options: VideoWriterOptions, frames: Int,
                              frame: (Int) throws -> GrayImage) throws -> String {
        let writer = try VideoWriter(options: options)
        for index in 0..<frames { try writer.write(gray: frame(index)) }
        try writer.finish()
        return options.path
    }
}
