import CFFmpeg

/// Sends `frame` and then the flush to an opened encoder and returns every packet's bytes.
func encodeAndFlush(_ frame: FFmpegFrame, with encoder: CodecContext) throws -> [[UInt8]] {
    let packet = try FFmpegPacket(orThrow: .encodeFailed("out of memory allocating a packet"))
    var packets: [[UInt8]] = []
    applyFixedQuantiser(to: frame.pointer, from: encoder.pointer)
    for input in [frame, nil] {
        try encoder.encode(input, into: packet, encoderName: nil) { packet in
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
