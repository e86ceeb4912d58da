import CFFmpeg

/// One compressed packet of a `CopiedStream`, owned (freed on release). Timestamps are in the
/// stream's time base, already shifted so 0 is the video stream's start, like `FrameMeta.pts`.
// Unchecked: the packet is filled in init and then has one user at a time: the source's thread,
// the queue it waits in, then the one sink that muxes it.
public final class MediaPacket: @unchecked Sendable {
    /// Owned; handed to one consumer (the muxer takes its data when it is written).
    let packet: UnsafeMutablePointer<AVPacket>
    public let timeBase: MediaRational

    init(referencing source: UnsafePointer<AVPacket>, timeBase: MediaRational, shift: Int64) throws {
        guard let packet = av_packet_clone(source) else {
            throw MediaError.ioError("out of memory copying a packet")
        }
        if packet.pointee.pts != blurd_nopts_value() { packet.pointee.pts -= shift }
        if packet.pointee.dts != blurd_nopts_value() { packet.pointee.dts -= shift }
        self.packet = packet
        self.timeBase = timeBase
    }

    deinit {
        var owned: UnsafeMutablePointer<AVPacket>? = packet
        av_packet_free(&owned)
    }

    /// Moves the packet's timestamps by `units` of its time base (onto its stream's timeline
    /// after a jump), keeping the packet's pts - dts.
    func retime(by units: Int64) {
        guard units != 0 else { return }
        if packet.pointee.pts != blurd_nopts_value() { packet.pointee.pts &+= units }
        if packet.pointee.dts != blurd_nopts_value() { packet.pointee.dts &+= units }
    }

    /// Presentation time in seconds from the video stream's start; nil when the packet has none.
    public var seconds: Double? {
        let pts = packet.pointee.pts
        return pts == blurd_nopts_value() ? nil : Double(pts) * timeBase.doubleValue
    }
}
