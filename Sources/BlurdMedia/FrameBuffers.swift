import BlurdCore
import CFFmpeg

/// Allocates a frame with its own buffers; the caller frees it with `av_frame_free`.
func allocateFrame(format: AVPixelFormat, width: Int, height: Int) throws -> UnsafeMutablePointer<AVFrame> {
    guard let frame = av_frame_alloc() else {
        throw MediaError.encodeFailed("out of memory allocating a frame")
    }
    frame.pointee.format = format.rawValue
    frame.pointee.width = Int32(width)
    frame.pointee.height = Int32(height)
    let status = av_frame_get_buffer(frame, 0)
    guard status >= 0 else {
        var owned: UnsafeMutablePointer<AVFrame>? = frame
        av_frame_free(&owned)
        throw MediaError.encodeFailed("cannot allocate \(width)x\(height) frame buffers: \(ffmpegErrorString(status))")
    }
    return frame
}

/// Sends `frame` and then the flush to an opened encoder and returns every packet's bytes.
func encodeAndFlush(_ frame: UnsafeMutablePointer<AVFrame>, with context: UnsafeMutablePointer<AVCodecContext>) throws -> [[UInt8]] {
    var ownedPacket = av_packet_alloc()
    defer { av_packet_free(&ownedPacket) }
    guard let packet = ownedPacket else {
        throw MediaError.encodeFailed("out of memory allocating a packet")
    }
    var packets: [[UInt8]] = []
    applyFixedQuantiser(to: frame, from: context)
    for input in [frame, nil] {
        var status = avcodec_send_frame(context, input)
        guard status >= 0 else {
            throw MediaError.encodeFailed("sending a frame to the encoder: \(ffmpegErrorString(status))")
        }
        while true {
            status = avcodec_receive_packet(context, packet)
            if status == blurd_averror_eagain() || status == blurd_averror_eof() { break }
            guard status >= 0 else {
                throw MediaError.encodeFailed("encoding: \(ffmpegErrorString(status))")
            }
            packets.append(Array(UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size))))
            av_packet_unref(packet)
        }
    }
    return packets
}

/// With AV_CODEC_FLAG_QSCALE the mpegvideo encoders (mpeg4, mjpeg) take the quantiser from each
/// frame's `quality`, not from the context, so every frame must carry it.
func applyFixedQuantiser(to frame: UnsafeMutablePointer<AVFrame>, from context: UnsafeMutablePointer<AVCodecContext>) {
    frame.pointee.quality = context.pointee.global_quality
}
