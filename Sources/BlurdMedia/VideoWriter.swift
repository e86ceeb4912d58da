import BlurdCore
import CFFmpeg

/// Where and how `VideoWriter` encodes.
public struct VideoWriterOptions: Sendable {
    public var path: String
    public var width: Int
    public var height: Int
    public var frameRate: Int
    /// Encoder name: "libx264", "mpeg4", "mjpeg", "ffv1", …
    public var codec: String
    /// Constant rate factor for encoders that have one (libx264); ignored by the others.
    public var crf: Int? = 23
    /// Fixed quantiser (2 best … 31 worst) for encoders without crf; nil = 3 for mpeg4/mjpeg,
    /// whose own default is a low fixed bitrate.
    public var qscale: Int? = nil
    /// Encoder speed preset (libx264: "ultrafast" … "veryslow"); nil = the encoder's default.
    public var preset: String? = nil
    public var gopSize: Int = 12
    /// nil = the encoder's default (libx264 uses B-frames, so pts and decode order differ).
    public var maxBFrames: Int? = nil
    /// Container short name ("mp4", "mpegts", "matroska", …); nil = guessed from the extension.
    public var format: String? = nil
    /// "yuv420p" or "yuvj420p" (mjpeg always uses yuvj420p).
    public var pixelFormat: String = "yuv420p"
    /// The exact frame rate when it is not a whole number (30000/1001); overrides `frameRate`.
    public var exactFrameRate: MediaRational? = nil
    /// The unit of explicit `pts` given to `write`; nil = 1/frameRate (frame n at pts n).
    public var timeBase: MediaRational? = nil
    /// Streams passed through unchanged (an input's audio), fed with `write(copied:)`.
    public var copiedStreams: [CopiedStream] = []
    /// Shift every stream's timestamps so the file starts at 0 (the muxer's `avoid_negative_ts
    /// make_zero`): a file cut from the middle of a long stream then plays from 0 with its own
    /// duration instead of starting after an empty gap as long as the stream so far.
    public var startsAtZero = false
    /// Names the stream being recorded in libav*'s log messages about this file (`stream`
    /// metadata, see `FFmpegLog`); nil = unnamed.
    public var logLabel: String? = nil

    /// The crf range of `encoder` where blurd knows it: x264 and x265 count 0 (lossless) to 51
    /// (worst) at 8 bits. nil for the others, whose crf FFmpeg's own option check bounds when
    /// the encoder opens (a clean `encodeFailed`).
    public static func crfRange(encoder: String) -> ValueRange<Int>? {
        ["libx264", "libx264rgb", "libx265"].contains(encoder) ? ValueRange(0...51) : nil
    }

    public init(path: String, width: Int, height: Int, frameRate: Int = 25, codec: String = "libx264") {
        self.path = path
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.codec = codec
    }
}

/// Encodes frames to a video file with libavcodec and muxes them with libavformat.
///
/// Frame `n` gets pts `n` in a 1/frameRate time base unless `write` is given an explicit pts in
/// `options.timeBase`. Call `finish()` to flush the encoder and write the trailer; without it
/// the file is incomplete.
public final class VideoWriter {
    public let options: VideoWriterOptions
    /// The open output; `finish()` drops it, which closes the file.
    private var session: Session?
    private var nextPts: Int64 = 0
    private var lastPts: Int64?

    /// What is open while frames are written. The owners free their objects when it is dropped.
    private struct Session {
        let frame: FFmpegFrame
        let packet: FFmpegPacket
        let encoder: CodecContext
        let output: OutputFormatContext
        /// The video stream, owned by `output`.
        let stream: UnsafeMutablePointer<AVStream>
        /// Output streams of `options.copiedStreams`, in the same order.
        let copiedOutputs: [UnsafeMutablePointer<AVStream>]
    }

    public init(options: VideoWriterOptions) throws {
        FFmpegLog.installDefault()
        self.options = options
        guard options.width > 0, options.height > 0, options.width % 2 == 0, options.height % 2 == 0 else {
            throw MediaError.invalidOption("video size \(options.width)x\(options.height): 4:2:0 needs positive even sizes")
        }
        guard options.frameRate > 0 else {
            throw MediaError.invalidOption("frame rate \(options.frameRate) must be positive")
        }
        session = try Self.open(options)
    }

    private static func open(_ options: VideoWriterOptions) throws -> Session {
        let output = try OutputFormatContext(path: options.path, format: options.format, logLabel: options.logLabel)
        let formatContext = output.pointer
        guard let stream = avformat_new_stream(formatContext, nil) else {
            throw MediaError.encodeFailed("cannot add a video stream to \(options.path)")
        }
        let pixelFormat = try planar420Format(named: options.pixelFormat, codecName: options.codec)
        let usesQuantiser = options.codec == "mpeg4" || options.codec == "mjpeg"
        let settings = EncoderSettings(
            codecName: options.codec, width: options.width, height: options.height,
            pixelFormat: pixelFormat, frameRate: options.frameRate, gopSize: options.gopSize,
            maxBFrames: options.maxBFrames, crf: options.crf,
            qscale: options.qscale ?? (usesQuantiser ? 3 : nil), preset: options.preset,
            globalHeader: (formatContext.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER) != 0,
            exactFrameRate: options.exactFrameRate.map { AVRational(num: $0.numerator, den: $0.denominator) },
            timeBase: options.timeBase.map { AVRational(num: $0.numerator, den: $0.denominator) },
            logLabel: options.logLabel)
        let encoder = try openEncoder(settings)
        let codecContext = encoder.pointer

        stream.pointee.time_base = codecContext.pointee.time_base
        stream.pointee.avg_frame_rate = codecContext.pointee.framerate
        var status = avcodec_parameters_from_context(stream.pointee.codecpar, codecContext)
        guard status >= 0 else {
            throw MediaError.encodeFailed("codec parameters: \(ffmpegErrorString(status))")
        }
        var copiedOutputs: [UnsafeMutablePointer<AVStream>] = []
        for copied in options.copiedStreams {
            // 0 means "cannot hold"; a negative answer means the muxer does not say, so it is tried.
            if avformat_query_codec(formatContext.pointee.oformat, copied.parameters.pointee.codec_id, FF_COMPLIANCE_NORMAL) == 0 {
                throw MediaError.encodeFailed("the container of \(options.path) cannot hold \(copied.codecName) (try .mkv)")
            }
            guard let output = avformat_new_stream(formatContext, nil) else {
                throw MediaError.encodeFailed("cannot add a \(copied.codecName) stream to \(options.path)")
            }
            status = avcodec_parameters_copy(output.pointee.codecpar, copied.parameters)
            guard status >= 0 else {
                throw MediaError.encodeFailed("\(copied.codecName) stream parameters: \(ffmpegErrorString(status))")
            }
            // The input container's codec tag may mean nothing in the output container.
            output.pointee.codecpar.pointee.codec_tag = 0
            output.pointee.time_base = AVRational(num: copied.timeBase.numerator, den: copied.timeBase.denominator)
            copiedOutputs.append(output)
        }

        if (formatContext.pointee.oformat.pointee.flags & AVFMT_NOFILE) == 0 {
            try output.openFile(options.path)
        }
        if options.startsAtZero {
            formatContext.pointee.avoid_negative_ts = AVFMT_AVOID_NEG_TS_MAKE_ZERO
        }
        status = avformat_write_header(formatContext, nil)
        guard status >= 0 else {
            throw MediaError.encodeFailed("cannot write the header of \(options.path): \(ffmpegErrorString(status))")
        }

        let frame = try FFmpegFrame(orThrow: .encodeFailed("out of memory allocating a frame"))
        let packet = try FFmpegPacket(orThrow: .encodeFailed("out of memory allocating a frame"))
        status = frame.allocateBuffers(format: pixelFormat, width: options.width, height: options.height)
        guard status >= 0 else {
            throw MediaError.encodeFailed("cannot allocate frame buffers: \(ffmpegErrorString(status))")
        }
        return Session(frame: frame, packet: packet, encoder: encoder, output: output, stream: stream,
                       copiedOutputs: copiedOutputs)
    }

    /// Encodes one luma frame; chroma is neutral (128), so the video is grey. `pts` (in
    /// `options.timeBase`) must increase from frame to frame; nil = one past the previous frame.
    public func write(gray: GrayImage, pts: Int64? = nil) throws {
        try checkSize(gray.width, gray.height)
        let session = try writableSession()
        let frame = session.frame.pointer
        let chromaWidth = options.width / 2, chromaHeight = options.height / 2
        gray.pixels.withUnsafeBufferPointer { frame.copyPlane(0, from: $0, width: options.width, height: options.height) }
        frame.fillPlane(1, value: 128, width: chromaWidth, height: chromaHeight)
        frame.fillPlane(2, value: 128, width: chromaWidth, height: chromaHeight)
        try encode(session, pts: pts)
    }

    /// Encodes one planar 4:2:0 frame: `y` is width×height, `u` and `v` are (width/2)×(height/2).
    /// `pts` as for `write(gray:pts:)`.
    public func write(yuv420 y: [UInt8], u: [UInt8], v: [UInt8], pts: Int64? = nil) throws {
        let chromaWidth = options.width / 2, chromaHeight = options.height / 2
        guard y.count == options.width * options.height,
              u.count == chromaWidth * chromaHeight, v.count == chromaWidth * chromaHeight else {
            throw MediaError.encodeFailed("yuv420 planes of \(y.count)/\(u.count)/\(v.count) samples do not match \(options.width)x\(options.height)")
        }
        let session = try writableSession()
        let frame = session.frame.pointer
        y.withUnsafeBufferPointer { frame.copyPlane(0, from: $0, width: options.width, height: options.height) }
        u.withUnsafeBufferPointer { frame.copyPlane(1, from: $0, width: chromaWidth, height: chromaHeight) }
        v.withUnsafeBufferPointer { frame.copyPlane(2, from: $0, width: chromaWidth, height: chromaHeight) }
        try encode(session, pts: pts)
    }

    /// Muxes one packet of `options.copiedStreams[stream]` unchanged; the muxer interleaves it
    /// with the video by timestamp. The packet's data moves into the file (do not reuse it).
    public func write(copied packet: MediaPacket, stream index: Int) throws {
        guard let session else {
            throw MediaError.encodeFailed("write after finish() on \(options.path)")
        }
        guard session.copiedOutputs.indices.contains(index) else {
            throw MediaError.encodeFailed("no copied stream \(index) in \(options.path)")
        }
        let output = session.copiedOutputs[index]
        av_packet_rescale_ts(packet.packet, AVRational(num: packet.timeBase.numerator, den: packet.timeBase.denominator),
                             output.pointee.time_base)
        packet.packet.pointee.stream_index = output.pointee.index
        packet.packet.pointee.pos = -1
        let status = av_interleaved_write_frame(session.output.pointer, packet.packet)
        guard status >= 0 else {
            throw MediaError.encodeFailed("writing a \(options.copiedStreams[index].codecName) packet to \(options.path): \(ffmpegErrorString(status))")
        }
    }

    /// Flushes delayed frames out of the encoder, writes the trailer and closes the file.
    public func finish() throws {
        guard let session else { return }
        defer { self.session = nil }
        try drainEncoder(session, sending: nil)
        let status = av_write_trailer(session.output.pointer)
        guard status >= 0 else {
            throw MediaError.encodeFailed("cannot write the trailer of \(options.path): \(ffmpegErrorString(status))")
        }
    }

    private func checkSize(_ width: Int, _ height: Int) throws {
        guard width == options.width, height == options.height else {
            throw MediaError.encodeFailed("frame is \(width)x\(height) but the writer is \(options.width)x\(options.height)")
        }
    }

    /// The open session, its reusable input frame made writable: the encoder may still
    /// reference the frame's buffers.
    private func writableSession() throws -> Session {
        guard let session else {
            throw MediaError.encodeFailed("write after finish() on \(options.path)")
        }
        let status = av_frame_make_writable(session.frame.pointer)
        guard status >= 0 else {
            throw MediaError.encodeFailed("frame not writable: \(ffmpegErrorString(status))")
        }
        return session
    }

    private func encode(_ session: Session, pts: Int64?) throws {
        let frame = session.frame.pointer
        let framePts = pts ?? nextPts
        if let lastPts, framePts <= lastPts {
            throw MediaError.encodeFailed("frame pts \(framePts) does not increase (previous \(lastPts)) in \(options.path)")
        }
        frame.pointee.pts = framePts
        lastPts = framePts
        nextPts = framePts + 1
        applyFixedQuantiser(to: frame, from: session.encoder.pointer)
        try drainEncoder(session, sending: session.frame)
    }

    /// Sends `frame` (nil = flush) and muxes every packet the encoder has ready.
    private func drainEncoder(_ session: Session, sending frame: FFmpegFrame?) throws {
        let stream = session.stream
        try session.encoder.encode(frame, into: session.packet, encoderName: options.codec) { packet in
            av_packet_rescale_ts(packet, session.encoder.pointer.pointee.time_base, stream.pointee.time_base)
            packet.pointee.stream_index = stream.pointee.index
            // av_interleaved_write_frame takes the packet's reference, leaving it blank for reuse.
            let status = av_interleaved_write_frame(session.output.pointer, packet)
            guard status >= 0 else {
                throw MediaError.encodeFailed("writing to \(options.path): \(ffmpegErrorString(status))")
            }
        }
    }
}
