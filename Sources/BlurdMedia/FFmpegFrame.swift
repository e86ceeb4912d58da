import CFFmpeg

/// An AVFrame, freed with the buffers it still references (av_frame_free) when the owner goes,
/// so no failure path frees it by hand. Keep the owner, not just `pointer`, while FFmpeg uses it.
final class FFmpegFrame {
    let pointer: UnsafeMutablePointer<AVFrame>

    /// Allocates an empty frame, or throws `error`.
    init(orThrow error: @autoclosure () -> MediaError) throws {
        guard let frame = av_frame_alloc() else { throw error() }
        pointer = frame
    }

    /// A frame with buffers of its own for a `width`×`height` picture in `format`.
    convenience init(format: AVPixelFormat, width: Int, height: Int) throws {
        try self.init(orThrow: .encodeFailed("out of memory allocating a frame"))
        let status = allocateBuffers(format: format, width: width, height: height)
        guard status >= 0 else {
            throw MediaError.encodeFailed("cannot allocate \(width)x\(height) frame buffers: \(ffmpegErrorString(status))")
        }
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&owned)
    }

    /// Sets the frame's format and size and gives it buffers; av_frame_get_buffer's status.
    func allocateBuffers(format: AVPixelFormat, width: Int, height: Int) -> Int32 {
        pointer.pointee.format = format.rawValue
        pointer.pointee.width = Int32(width)
        pointer.pointee.height = Int32(height)
        return av_frame_get_buffer(pointer, 0)
    }
}
