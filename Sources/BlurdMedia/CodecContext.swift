import CFFmpeg

/// An AVCodecContext (a decoder or an encoder), labelled for the log when the owner is given a
/// label: freed (avcodec_free_context) and its label forgotten when the owner goes, so no
/// failure path frees it by hand and a reused address is never mislabelled. Keep the owner, not
/// just `pointer`, while FFmpeg uses it.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>

    /// Allocates a context for `codec` whose messages carry `logLabel`, or throws `error`.
    init(codec: UnsafePointer<AVCodec>, logLabel: String?, orThrow error: @autoclosure () -> MediaError) throws {
        guard let context = avcodec_alloc_context3(codec) else { throw error() }
        pointer = context
        FFmpegLogLabels.shared.register(codec: context, label: logLabel)
    }

    deinit {
        FFmpegLogLabels.shared.unregister(UnsafeMutableRawPointer(pointer))
        var owned: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&owned)
    }

    /// Sends `frame` (nil = flush) to this opened encoder and hands each packet it has ready to
    /// `body` through `packet`, until the encoder wants more input (EAGAIN) or is drained (EOF).
    /// `body` must take or unreference the packet's data. `encoderName` names the encoder in
    /// error messages; nil calls it "the encoder".
    func encode(_ frame: FFmpegFrame?, into packet: FFmpegPacket, encoderName: String?,
                _ body: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        var status = avcodec_send_frame(pointer, frame?.pointer)
        guard status >= 0 else {
            throw MediaError.encodeFailed("sending a frame to \(encoderName ?? "the encoder"): \(ffmpegErrorString(status))")
        }
        while true {
            status = avcodec_receive_packet(pointer, packet.pointer)
            if status == blurd_averror_eagain() || status == blurd_averror_eof() { return }
            guard status >= 0 else {
                let encoding = encoderName.map { "encoding with \($0)" } ?? "encoding"
                throw MediaError.encodeFailed("\(encoding): \(ffmpegErrorString(status))")
            }
            try body(packet.pointer)
        }
    }
}
