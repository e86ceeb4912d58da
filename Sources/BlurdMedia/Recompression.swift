import BlurdCore
import CFFmpeg

/// Encodes an image with a lossy video codec and decodes it back, in memory, so training can
/// show the network real JPEG / H.264 artefacts.
public enum Recompression {
    /// Round-trips `image` through `codec`: "mjpeg" (quality = qscale, 2 best … 31 worst) or
    /// "libx264" (quality = crf, 0 lossless … 51 worst). Odd sizes are edge-padded to even for
    /// 4:2:0 and cropped back; the result has the input's size.
    public static func roundTrip(_ image: GrayImage, codec: String, quality: Int) throws -> GrayImage {
        guard image.width > 0, image.height > 0 else {
            throw MediaError.invalidOption("cannot recompress an empty image")
        }
        let settings: EncoderSettings
        let paddedWidth = (image.width + 1) & ~1, paddedHeight = (image.height + 1) & ~1
        switch codec {
        case "mjpeg":
            guard (1...31).contains(quality) else { throw MediaError.invalidOption("mjpeg quality \(quality) is not in 1...31") }
            settings = EncoderSettings(codecName: codec, width: paddedWidth, height: paddedHeight,
                                       pixelFormat: AV_PIX_FMT_YUVJ420P, frameRate: 25, gopSize: 1, maxBFrames: 0,
                                       crf: nil, qscale: quality, preset: nil, globalHeader: false)
        case "libx264":
            guard (0...51).contains(quality) else { throw MediaError.invalidOption("libx264 crf \(quality) is not in 0...51") }
            settings = EncoderSettings(codecName: codec, width: paddedWidth, height: paddedHeight,
                                       pixelFormat: AV_PIX_FMT_YUV420P, frameRate: 25, gopSize: 1, maxBFrames: 0,
                                       crf: quality, qscale: nil, preset: "veryfast", globalHeader: false)
        default:
            throw MediaError.unsupportedCodec("recompression supports mjpeg and libx264, not \(codec)")
        }

        let encoder = try openEncoder(settings)
        let frame = try FFmpegFrame(format: settings.pixelFormat, width: paddedWidth, height: paddedHeight)
        let padded = edgePadded(image, width: paddedWidth, height: paddedHeight)
        padded.pixels.withUnsafeBufferPointer { frame.pointer.copyPlane(0, from: $0, width: paddedWidth, height: paddedHeight) }
        frame.pointer.fillPlane(1, value: 128, width: paddedWidth / 2, height: paddedHeight / 2)
        frame.pointer.fillPlane(2, value: 128, width: paddedWidth / 2, height: paddedHeight / 2)
        frame.pointer.pointee.pts = 0
        let packets = try encodeAndFlush(frame, with: encoder)

        var decoded = try decodeStill(packets, codecID: encoder.pointer.pointee.codec_id,
                                      width: paddedWidth, height: paddedHeight)
        if paddedWidth != image.width || paddedHeight != image.height {
            decoded = cropped(decoded, width: image.width, height: image.height)
        }
        return decoded
    }

    /// Decodes one picture from `packets` and returns its luma.
    private static func decodeStill(_ packets: [[UInt8]], codecID: AVCodecID, width: Int, height: Int) throws -> GrayImage {
        guard let decoder = avcodec_find_decoder(codecID) else {
            throw MediaError.unsupportedCodec("no decoder for \(String(cString: avcodec_get_name(codecID)))")
        }
        let decoderOwner = try CodecContext(codec: decoder, logLabel: nil, orThrow: .ioError("out of memory allocating a decoder"))
        // Each owner outlives every use of the pointer taken from it.
        defer { withExtendedLifetime(decoderOwner) {} }
        let context = decoderOwner.pointer
        var status = avcodec_open2(context, decoder, nil)
        guard status >= 0 else { throw MediaError.unsupportedCodec("cannot open the decoder: \(ffmpegErrorString(status))") }
        let packetOwner = try FFmpegPacket(orThrow: .ioError("out of memory allocating a packet"))
        let frameOwner = try FFmpegFrame(orThrow: .ioError("out of memory allocating a packet"))
        defer { withExtendedLifetime((packetOwner, frameOwner)) {} }
        let packet = packetOwner.pointer, frame = frameOwner.pointer

        for bytes in packets {
            status = av_new_packet(packet, Int32(bytes.count))
            guard status >= 0 else { throw MediaError.ioError("cannot allocate a packet: \(ffmpegErrorString(status))") }
            bytes.withUnsafeBufferPointer { packet.pointee.data.update(from: $0.baseAddress!, count: bytes.count) }
            status = avcodec_send_packet(context, packet)
            av_packet_unref(packet)
            guard status >= 0 else { throw MediaError.ioError("decoding the recompressed image: \(ffmpegErrorString(status))") }
        }
        status = avcodec_send_packet(context, nil)
        guard status >= 0 else { throw MediaError.ioError("flushing the decoder: \(ffmpegErrorString(status))") }
        status = avcodec_receive_frame(context, frame)
        guard status >= 0 else { throw MediaError.ioError("the recompressed image did not decode: \(ffmpegErrorString(status))") }
        defer { av_frame_unref(frame) }

        var image = GrayImage(width: width, height: height)
        let scaler = FrameScaler(targetWidth: width, targetHeight: height, targetFormat: AV_PIX_FMT_GRAY8)
        try image.pixels.withUnsafeMutableBufferPointer { try scaler.convert(frame, into: $0.baseAddress!) }
        return image
    }

    private static func edgePadded(_ image: GrayImage, width: Int, height: Int) -> GrayImage {
        guard width != image.width || height != image.height else { return image }
        var padded = GrayImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                padded[x, y] = image[min(x, image.width - 1), min(y, image.height - 1)]
            }
        }
        return padded
    }

    private static func cropped(_ image: GrayImage, width: Int, height: Int) -> GrayImage {
        var result = GrayImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width { result[x, y] = image[x, y] }
        }
        return result
    }
}
