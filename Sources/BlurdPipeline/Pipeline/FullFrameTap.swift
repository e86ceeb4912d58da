import BlurdCore
import BlurdMedia
import Foundation

/// A `FrameSource` in front of `VideoSource` that also keeps what the analysis does not carry
/// but the annotated video needs: each delivered frame at full resolution, and the input's
/// audio packets. The pipeline reads through it on the decoder thread; `AnnotatedVideoSink`
/// takes the frames and packets back on the writer thread.
///
/// Frames are matched by frame index; each sink request discards the frames before it, which
/// the ring dropped under `drop-oldest`. Those pile up only while the decoder outruns the sink,
/// at most `maxPending` (64 by default: 200 MB at 1080p); past that the oldest frame after the
/// first `protectedOldest` (the frames the workers are analysing) goes, as the ring drops its
/// oldest queued frame first.
public final class FullFrameTap: FrameSource, @unchecked Sendable {
    public let source: VideoSource
    public let maxPending: Int
    public let protectedOldest: Int
    private let lock = NSLock()
    private var pending: [(index: Int, image: YUV420Image)] = []
    private var spare: [YUV420Image] = []
    private var audio: [MediaPacket] = []

    /// Give `maxPending` well above the ring capacity, and `protectedOldest` the worker count
    /// plus one.
    public init(source: VideoSource, maxPending: Int = 64, protectedOldest: Int = 4) {
        self.source = source
        self.maxPending = max(1, maxPending)
        self.protectedOldest = min(max(0, protectedOldest), self.maxPending - 1)
        if source.audioStream != nil {
            source.audioPacketHandler = { [weak self] packet in
                guard let self else { return }
                self.lock.withLock { self.audio.append(packet) }
            }
        }
    }

    /// Width and height of the full-resolution frames (the source's, rounded down to even).
    public var fullWidth: Int { max(2, source.info.width & ~1) }
    public var fullHeight: Int { max(2, source.info.height & ~1) }

    public var frameWidth: Int { source.frameWidth }
    public var frameHeight: Int { source.frameHeight }
    public var counters: SourceCounters { source.counters }
    public func interrupt() { source.interrupt() }

    public func nextFrame(into luma: inout GrayImage) throws -> FrameMeta? {
        var image = lock.withLock { spare.popLast() } ?? YUV420Image(width: fullWidth, height: fullHeight)
        guard let meta = try source.nextFrame(into: &luma, fullFrame: &image) else { return nil }
        lock.withLock {
            if pending.count >= maxPending { pending.remove(at: protectedOldest) }
            pending.append((meta.index, image))
        }
        return meta
    }

    /// The full-resolution frame with index `index`; nil when it was dropped. Frames before it
    /// are discarded (the pipeline writes in frame order, so nobody will ask for them).
    public func takeFrame(index: Int) -> YUV420Image? {
        lock.withLock {
            while let first = pending.first, first.index < index { pending.removeFirst() }
            guard let first = pending.first, first.index == index else { return nil }
            pending.removeFirst()
            return first.image
        }
    }

    /// Hands a frame's storage back for reuse by a later frame.
    public func recycle(_ image: YUV420Image) {
        lock.withLock { if spare.count < 4 { spare.append(image) } }
    }

    /// Every audio packet read so far, in read order.
    public func takeAudioPackets() -> [MediaPacket] {
        lock.withLock {
            defer { audio.removeAll(keepingCapacity: true) }
            return audio
        }
    }

    /// The audio packets read so far that start before `seconds` (or have no timestamp), in
    /// read order; the later ones stay for a later call (the next file of a cut recording).
    public func takeAudioPackets(before seconds: Double) -> [MediaPacket] {
        lock.withLock {
            var taken: [MediaPacket] = [], kept: [MediaPacket] = []
            for packet in audio {
                if let start = packet.seconds, start >= seconds { kept.append(packet) } else { taken.append(packet) }
            }
            audio = kept
            return taken
        }
    }
}
