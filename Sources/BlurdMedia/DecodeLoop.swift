import BlurdCore
import CFFmpeg

/// The loop behind `VideoSource.nextFrame`: reads packets, decodes them, places the frames on
/// the stream's `StreamTimeline`, samples them by pts and delivers the kept ones as luma at the
/// analysis size, with their chroma statistic (`FrameChroma`). Corrupt packets and damaged
/// frames are skipped and counted; when the input ends the decoder is flushed, so the frames it
/// still holds come out last.
final class DecodeLoop {
    private let packet: FFmpegPacket
    private let frame: FFmpegFrame
    private let input: MediaInput
    private let options: VideoSourceOptions
    private let interrupt: InputInterrupt
    private let scaler: FrameScaler
    private var sampler: FrameSampler
    private var readErrors: ReadErrorPolicy
    private(set) var stats = DecodeStats()
    private var nextIndex = 0
    private var indexAnchored: Bool
    private var timeline: StreamTimeline
    /// The copied audio's own timeline: its packets follow the same jumps as the pictures, so
    /// a muxed copy stays in step with the retimed video instead of keeping the raw clock.
    private var audioTimeline: StreamTimeline?
    /// Raw steps of timestamp jumps since the last delivered frame, which carries their sum.
    private var pendingJump: Double?
    private var flushSent = false
    private var finished = false

    /// Seeks to `options.start` when it is after the beginning.
    init(input: MediaInput, options: VideoSourceOptions, interrupt: InputInterrupt) throws {
        self.input = input
        self.options = options
        self.interrupt = interrupt
        let info = input.info
        scaler = FrameScaler(targetWidth: info.analysisWidth, targetHeight: info.analysisHeight,
                             targetFormat: AV_PIX_FMT_GRAY8, logLabel: options.logLabel)
        sampler = FrameSampler(start: options.start, duration: options.duration, every: options.every, fps: options.fps)
        readErrors = ReadErrorPolicy(url: options.url, timeoutSeconds: options.timeoutSeconds, isLive: info.isLive)
        timeline = StreamTimeline(timeBase: input.timeBase, origin: input.streamStart, wrapBits: input.ptsWrapBits,
                                  frameRate: info.frameRate, isLive: info.isLive)
        audioTimeline = input.audioStream.map {
            StreamTimeline(timeBase: $0.timeBase.doubleValue, origin: input.audioShift, wrapBits: input.audioWrapBits,
                           frameRate: nil, isLive: info.isLive)
        }
        indexAnchored = (options.start ?? 0) == 0
        packet = try FFmpegPacket(orThrow: .ioError("out of memory allocating a packet"))
        frame = try FFmpegFrame(orThrow: .ioError("out of memory allocating a packet"))
        if let start = options.start, start > 0 { seek(to: start) }
    }

    /// Decodes until the next frame that passes sampling, writes its luma into `luma` and hands
    /// the frame to `keep`; nil at the end. Audio packets go to `audioHandler` as they are read.
    func nextFrame(into luma: inout GrayImage, audioHandler: ((MediaPacket) -> Void)?,
                   keep: (UnsafeMutablePointer<AVFrame>) throws -> Void) throws -> FrameMeta? {
        let codecContext = input.decoder.pointer, frame = frame.pointer
        while !finished {
            let status = avcodec_receive_frame(codecContext, frame)
            if status >= 0 {
                defer { av_frame_unref(frame) }
                if let meta = try deliver(frame, into: &luma) {
                    try keep(frame)
                    return meta
                }
                continue
            }
            if status == blurd_averror_eof() {
                finished = true
            } else if status == blurd_averror_eagain() {
                if flushSent { finished = true } else { try feedDecoder(audioHandler) }
            } else {
                // A damaged frame inside a frame-threaded decoder surfaces here; the next call moves on.
                stats.decodeErrors += 1
                if !flushSent { try feedDecoder(audioHandler) }
            }
        }
        return nil
    }

    private func deliver(_ frame: UnsafeMutablePointer<AVFrame>, into luma: inout GrayImage) throws -> FrameMeta? {
        let info = input.info
        stats.framesDecoded += 1
        let timestamp = frame.pointee.best_effort_timestamp
        let placement = timeline.place(timestamp == blurd_nopts_value() ? nil : timestamp)
        let pts = placement.pts
        if let jump = placement.jump {
            stats.timestampJumps += 1
            pendingJump = (pendingJump ?? 0) + jump
        }
        if !indexAnchored {
            indexAnchored = true
            // A stream's own timestamps can be anything: one beyond Int counts from 0.
            let frames = info.frameRate.map { (pts * $0).rounded() } ?? 0
            nextIndex = frames.magnitude < 0x1p62 ? Int(frames) : 0
        }
        let index = nextIndex
        nextIndex += 1

        if frame.pointee.decode_error_flags != 0 || (frame.pointee.flags & blurd_frame_flag_corrupt()) != 0 {
            stats.decodeErrors += 1
            return nil
        }
        switch sampler.decide(pts: pts) {
        case .skip:
            return nil
        case .stop:
            finished = true
            return nil
        case .keep:
            break
        }
        if luma.width != info.analysisWidth || luma.height != info.analysisHeight {
            luma = GrayImage(width: info.analysisWidth, height: info.analysisHeight)
        }
        try luma.pixels.withUnsafeMutableBufferPointer { try scaler.convert(frame, into: $0.baseAddress!) }
        stats.framesDelivered += 1
        defer { pendingJump = nil }
        // From the decoder's own planes, not the luma conversion: a few thousand sample reads.
        return FrameMeta(index: index, pts: pts, isKeyframe: frame.pointee.key_frame != 0, discontinuity: pendingJump,
                         chroma: FrameChroma.measure(frame))
    }

    /// Reads one packet and sends it to the decoder; at the end of input, starts the flush.
    private func feedDecoder(_ audioHandler: ((MediaPacket) -> Void)?) throws {
        let formatContext = input.format.pointer, packet = packet.pointer
        interrupt.arm(seconds: options.timeoutSeconds)
        let status = FFmpegLogLabels.$callerLabel.withValue(options.logLabel) { av_read_frame(formatContext, packet) }
        interrupt.disarm()
        if status < 0 {
            let verdict = try readErrors.verdict(on: status, stopRequested: interrupt.isRequested) {
                formatContext.pointee.pb.map { avio_feof($0) != 0 } ?? false
            }
            switch verdict {
            case .retry:
                break
            case .corruptPacket(let endsInput):
                stats.corruptPackets += 1
                if endsInput { sendFlush() }
            case .end:
                sendFlush()
            }
            return
        }
        defer { av_packet_unref(packet) }
        readErrors.readSucceeded()
        if packet.pointee.stream_index == input.audioIndex, let audioStream = input.audioStream, let audioHandler {
            let copied = try MediaPacket(referencing: packet, timeBase: audioStream.timeBase, shift: input.audioShift)
            let raw = packet.pointee.pts
            if raw != blurd_nopts_value(), let placement = audioTimeline?.place(raw) {
                copied.retime(by: placement.units &- raw)
            }
            audioHandler(copied)
            return
        }
        guard packet.pointee.stream_index == input.streamIndex else { return }
        if (packet.pointee.flags & AV_PKT_FLAG_CORRUPT) != 0 {
            // The demuxer saw damage (e.g. MPEG-TS continuity errors); the decoder still conceals
            // what it can, and frames it cannot repair are flagged and skipped in deliver().
            stats.corruptPackets += 1
        }
        let sendStatus = avcodec_send_packet(input.decoder.pointer, packet)
        if sendStatus == blurd_averror(ENOMEM) {
            throw MediaError.ioError("out of memory decoding \(options.url)")
        }
        if sendStatus < 0 && sendStatus != blurd_averror_eagain() {
            stats.corruptPackets += 1
        }
    }

    private func sendFlush() {
        guard !flushSent else { return }
        flushSent = true
        let status = avcodec_send_packet(input.decoder.pointer, nil)
        if status < 0 { finished = true }
    }

    /// Seeks to the key frame at or before `seconds`; frames before it are then dropped by the
    /// sampler. Inputs that cannot seek (pipes, live) are decoded from the start instead.
    /// A target beyond Int64 in the stream's time base (validation bounds `seconds`, but not the
    /// time base) is decoded from the start like an unseekable input.
    private func seek(to seconds: Double) {
        let units = (seconds / input.timeBase).rounded(.towardZero)
        guard units.magnitude < 0x1p62,
              case let (target, false) = input.streamStart.addingReportingOverflow(Int64(units)) else {
            indexAnchored = true
            return
        }
        interrupt.arm(seconds: options.timeoutSeconds)
        let status = FFmpegLogLabels.$callerLabel.withValue(options.logLabel) {
            avformat_seek_file(input.format.pointer, input.streamIndex, Int64.min, target, target, 0)
        }
        interrupt.disarm()
        if status < 0 {
            indexAnchored = true
        }
    }
}
