import CFFmpeg

/// JPEG stills through FFmpeg's mjpeg encoder, in memory: snapshots published over MQTT.
public enum JPEGEncoding {
    /// `quality`: mjpeg's fixed quantiser, 2 (best) … 31 (worst).
    public static let qualityRange = 2...31

    /// The JPEG file bytes of a picture. JPEG is full-range YUV (yuvj420p): the picture's
    /// limited-range samples are stretched to it, so black stays black.
    public static func encode(_ image: YUV420Image, quality: Int = 4) throws -> [UInt8] {
        guard qualityRange.contains(quality) else {
            throw MediaError.invalidOption("JPEG quality \(quality) is not in \(qualityRange)")
        }
        let settings = EncoderSettings(codecName: "mjpeg", width: image.width, height: image.height,
                                       pixelFormat: AV_PIX_FMT_YUVJ420P, frameRate: 1, gopSize: 1, maxBFrames: 0,
                                       crf: nil, qscale: quality, preset: nil, globalHeader: false)
        let encoder = try openEncoder(settings)
        let frame = try FFmpegFrame(format: AV_PIX_FMT_YUVJ420P, width: image.width, height: image.height)
        let luma = image.y.map { lumaToFullRange[Int($0)] }
        let u = image.u.map { chromaToFullRange[Int($0)] }, v = image.v.map { chromaToFullRange[Int($0)] }
        luma.withUnsafeBufferPointer { frame.pointer.copyPlane(0, from: $0, width: image.width, height: image.height) }
        u.withUnsafeBufferPointer { frame.pointer.copyPlane(1, from: $0, width: image.chromaWidth, height: image.chromaHeight) }
        v.withUnsafeBufferPointer { frame.pointer.copyPlane(2, from: $0, width: image.chromaWidth, height: image.chromaHeight) }
        frame.pointer.pointee.pts = 0
        let packets = try encodeAndFlush(frame, with: encoder)
        guard packets.count == 1 else {
            throw MediaError.encodeFailed("the mjpeg encoder produced \(packets.count) packets for one picture")
        }
        return packets[0]
    }

    /// Limited range (Y 16…235, chroma 16…240) to full range, clamped.
    private static let lumaToFullRange: [UInt8] = (0...255).map { (value: Int) -> UInt8 in
        let stretched: Int = ((value - 16) * 255 + 109) / 219
        return UInt8(max(0, min(255, stretched)))
    }
    private static let chromaToFullRange: [UInt8] = (0...255).map { (value: Int) -> UInt8 in
        let offset: Int = value - 128
        let rounding: Int = offset >= 0 ? 112 : -112
        return UInt8(max(0, min(255, 128 + (offset * 255 + rounding) / 224)))
    }
}
