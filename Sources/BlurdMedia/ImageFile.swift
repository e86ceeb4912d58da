import BlurdCore
import CFFmpeg
import Foundation

/// Still images through FFmpeg: PNG, JPEG, BMP, PGM/PPM, WebP, TIFF … are demuxed by libavformat
/// (image2 / *_pipe demuxers) and decoded by libavcodec; PNG, PGM and JPEG are written by
/// libavcodec's encoders.
public enum ImageFile {
    /// Loads an image as 8-bit luma. Grey and YUV images keep their luma values; RGB images are
    /// converted with BT.601 weights.
    public static func loadGray(_ path: String) throws -> GrayImage {
        try withDecodedFrame(path) { frame in
            let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
            var image = GrayImage(width: width, height: height)
            let scaler = FrameScaler(targetWidth: width, targetHeight: height, targetFormat: AV_PIX_FMT_GRAY8)
            try image.pixels.withUnsafeMutableBufferPointer { try scaler.convert(frame, into: $0.baseAddress!) }
            return image
        }
    }

    /// Loads an image as packed 8-bit RGB (`width * height * 3` bytes, row-major).
    public static func loadRGB(_ path: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        try withDecodedFrame(path) { frame in
            let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
            var rgb = [UInt8](repeating: 0, count: width * height * 3)
            let scaler = FrameScaler(targetWidth: width, targetHeight: height, targetFormat: AV_PIX_FMT_RGB24)
            try rgb.withUnsafeMutableBufferPointer { try scaler.convert(frame, into: $0.baseAddress!) }
            return (width, height, rgb)
        }
    }

    /// Writes an 8-bit grey PNG (lossless).
    public static func writePNG(_ image: GrayImage, to path: String) throws {
        try writeGray(image, encoder: "png", to: path)
    }

    /// Writes a binary (P5) 8-bit PGM.
    public static func writePGM(_ image: GrayImage, to path: String) throws {
        try writeGray(image, encoder: "pgm", to: path)
    }

    /// The JPEG quantiser range of `writeJPEG` (libavcodec's mjpeg qscale): 2 best … 31 worst.
    public static let jpegQualityRange = ValueRange<Int>(2...31)

    /// Writes a colour JPEG (JFIF, full-range 4:2:0) of `image`, whose limited-range samples are
    /// expanded to full range as JPEG viewers expect. `quality` is the mjpeg quantiser.
    public static func writeJPEG(_ image: YUV420Image, quality: Int, to path: String) throws {
        if let problem = jpegQualityRange.problem("JPEG quality", quality) { throw MediaError.invalidOption(problem) }
        let settings = EncoderSettings(codecName: "mjpeg", width: image.width, height: image.height,
                                       pixelFormat: AV_PIX_FMT_YUVJ420P, frameRate: 1, gopSize: 1, maxBFrames: 0,
                                       crf: nil, qscale: quality, preset: nil, globalHeader: false)
        let encoder = try openEncoder(settings)
        let frame = try FFmpegFrame(format: AV_PIX_FMT_YUVJ420P, width: image.width, height: image.height)
        // Limited (16…235 luma, 16…240 chroma) to full range (0…255), BT.601.
        let luma = image.y.map { UInt8(max(0, min(255, (Int($0) - 16) * 255 / 219))) }
        let chroma = { (plane: [UInt8]) in plane.map { UInt8(max(0, min(255, (Int($0) - 128) * 255 / 224 + 128))) } }
        luma.withUnsafeBufferPointer { frame.pointer.copyPlane(0, from: $0, width: image.width, height: image.height) }
        chroma(image.u).withUnsafeBufferPointer { frame.pointer.copyPlane(1, from: $0, width: image.chromaWidth, height: image.chromaHeight) }
        chroma(image.v).withUnsafeBufferPointer { frame.pointer.copyPlane(2, from: $0, width: image.chromaWidth, height: image.chromaHeight) }
        frame.pointer.pointee.pts = 0
        try writeSingle(try encodeAndFlush(frame, with: encoder), encoder: "mjpeg", to: path)
    }

    private static func writeGray(_ image: GrayImage, encoder name: String, to path: String) throws {
        guard image.width > 0, image.height > 0 else {
            throw MediaError.encodeFailed("cannot write an empty \(image.width)x\(image.height) image to \(path)")
        }
        let settings = EncoderSettings(codecName: name, width: image.width, height: image.height,
                                       pixelFormat: AV_PIX_FMT_GRAY8, frameRate: 1, gopSize: 1, maxBFrames: nil,
                                       crf: nil, qscale: nil, preset: nil, globalHeader: false)
        let encoder = try openEncoder(settings)
        let frame = try FFmpegFrame(format: AV_PIX_FMT_GRAY8, width: image.width, height: image.height)
        image.pixels.withUnsafeBufferPointer { frame.pointer.copyPlane(0, from: $0, width: image.width, height: image.height) }
        frame.pointer.pointee.pts = 0
        try writeSingle(try encodeAndFlush(frame, with: encoder), encoder: name, to: path)
    }

    /// Writes the one packet an image encoder made as the file.
    private static func writeSingle(_ packets: [[UInt8]], encoder name: String, to path: String) throws {
        guard packets.count == 1 else {
            throw MediaError.encodeFailed("the \(name) encoder produced \(packets.count) packets for one image")
        }
        do {
            try Data(packets[0]).write(to: URL(fileURLWithPath: path))
        } catch {
            throw MediaError.encodeFailed("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Opens `path`, decodes its first picture and hands the frame to `body`.
    private static func withDecodedFrame<T>(_ path: String, _ body: (UnsafeMutablePointer<AVFrame>) throws -> T) throws -> T {
        FFmpegLog.installDefault()
        guard FileManager.default.fileExists(atPath: path) else { throw MediaError.fileNotFound(path) }
        var formatContext: UnsafeMutablePointer<AVFormatContext>?
        var status = avformat_open_input(&formatContext, path, nil, nil)
        guard status >= 0, let opened = formatContext else {
            throw MediaError.openFailed(url: path, reason: "not a readable image: \(ffmpegErrorString(status))")
        }
        let inputOwner = InputFormatContext(opened: opened)
        // Each owner outlives every use of the pointer taken from it.
        defer { withExtendedLifetime(inputOwner) {} }
        let input = inputOwner.pointer
        status = avformat_find_stream_info(input, nil)
        guard status >= 0 else {
            throw MediaError.openFailed(url: path, reason: "cannot read image information: \(ffmpegErrorString(status))")
        }
        var decoder: UnsafePointer<AVCodec>?
        let streamIndex = av_find_best_stream(input, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
        if streamIndex == blurd_averror_decoder_not_found() {
            throw MediaError.unsupportedCodec("no decoder for the image format of \(path)")
        }
        guard streamIndex >= 0, let decoder else { throw MediaError.noVideoStream(path) }

        let outOfMemory = MediaError.ioError("out of memory decoding \(path)")
        let decoderOwner = try CodecContext(codec: decoder, logLabel: nil, orThrow: outOfMemory)
        let packetOwner = try FFmpegPacket(orThrow: outOfMemory)
        let frameOwner = try FFmpegFrame(orThrow: outOfMemory)
        defer { withExtendedLifetime((decoderOwner, packetOwner, frameOwner)) {} }
        let context = decoderOwner.pointer, packet = packetOwner.pointer, frame = frameOwner.pointer
        status = avcodec_parameters_to_context(context, input.pointee.streams[Int(streamIndex)]!.pointee.codecpar)
        guard status >= 0 else { throw MediaError.unsupportedCodec("\(path): \(ffmpegErrorString(status))") }
        status = avcodec_open2(context, decoder, nil)
        guard status >= 0 else { throw MediaError.unsupportedCodec("cannot open the decoder for \(path): \(ffmpegErrorString(status))") }

        // Read until the decoder yields a picture; at the end of the file, flush it.
        var flushed = false
        while true {
            status = avcodec_receive_frame(context, frame)
            if status >= 0 {
                defer { av_frame_unref(frame) }
                return try body(frame)
            }
            guard status == blurd_averror_eagain(), !flushed else {
                throw MediaError.ioError("\(path) holds no decodable picture: \(ffmpegErrorString(status))")
            }
            status = av_read_frame(input, packet)
            if status < 0 {
                flushed = true
                status = avcodec_send_packet(context, nil)
            } else {
                defer { av_packet_unref(packet) }
                guard packet.pointee.stream_index == streamIndex else { continue }
                status = avcodec_send_packet(context, packet)
            }
            guard status >= 0 else {
                throw MediaError.ioError("decoding \(path): \(ffmpegErrorString(status))")
            }
        }
    }
}
