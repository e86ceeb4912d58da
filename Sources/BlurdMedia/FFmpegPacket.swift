import CFFmpeg

/// An AVPacket, freed with the data it still references (av_packet_free) when the owner goes,
/// so no failure path frees it by hand. Keep the owner, not just `pointer`, while FFmpeg uses it.
final class FFmpegPacket {
    let pointer: UnsafeMutablePointer<AVPacket>

    /// Allocates an empty packet, or throws `error`.
    init(orThrow error: @autoclosure () -> MediaError) throws {
        guard let packet = av_packet_alloc() else { throw error() }
        pointer = packet
    }

    deinit {
        var owned: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&owned)
    }
}
