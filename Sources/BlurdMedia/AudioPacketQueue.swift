import Synchronization

/// The audio packets a `VideoSource` reads for pass-through (`VideoSourceOptions.copyAudio`),
/// held until the sink that muxes them beside the pictures takes them. The source appends on the
/// decoder thread; a sink takes on the writer thread.
///
/// Audio is not per frame, so it does not travel in the pipeline's ring with the pictures; it is
/// bounded by the run, since a sink takes everything up to each frame it writes.
public final class AudioPacketQueue: Sendable {
    /// The copied audio stream the packets belong to.
    public let stream: CopiedStream
    // Shared by the decoder thread and the writer thread.
    private let packets = Mutex<[MediaPacket]>([])

    /// A queue fed by `source`'s audio, or nil when the source copies no audio.
    public static func attached(to source: VideoSource) -> AudioPacketQueue? {
        guard let stream = source.audioStream else { return nil }
        let queue = AudioPacketQueue(stream: stream)
        source.audioPacketHandler = { [weak queue] packet in queue?.append(packet) }
        return queue
    }

    private init(stream: CopiedStream) {
        self.stream = stream
    }

    private func append(_ packet: MediaPacket) {
        packets.withLock { $0.append(packet) }
    }

    /// Every packet read so far, in read order.
    public func takeAll() -> [MediaPacket] {
        packets.withLock { packets in
            defer { packets.removeAll(keepingCapacity: true) }
            return packets
        }
    }

    /// The packets read so far that start before `seconds` (or have no timestamp), in read
    /// order; the later ones stay for a later call (the next file of a cut recording).
    public func take(before seconds: Double) -> [MediaPacket] {
        packets.withLock { packets in
            var taken: [MediaPacket] = [], kept: [MediaPacket] = []
            for packet in packets {
                if let start = packet.seconds, start >= seconds { kept.append(packet) } else { taken.append(packet) }
            }
            packets = kept
            return taken
        }
    }
}
