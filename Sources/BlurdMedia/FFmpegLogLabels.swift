import CFFmpeg
import Synchronization

/// Which stream each libav* context logs for. `FFmpegLogRouter` looks up the context of every
/// message here and adds its label as `stream` metadata, and rate-limits each stream's messages
/// separately, so among many cameras a decoder error names its camera and one broken camera
/// cannot suppress another's messages.
///
/// The owner of a context registers it right after allocating it and unregisters it before
/// freeing it: a freed address is soon reused by another stream's context, which a stale entry
/// would mislabel. Looked up on libav*'s threads (demuxing, decoder threads), hence the lock.
///
/// Contexts that libav* makes internally (a network protocol's connection, the probing decoders
/// of avformat_find_stream_info, parsers) cannot be registered; they log on the thread that
/// called into libav*, so an owner also binds `callerLabel` around such calls.
final class FFmpegLogLabels: Sendable {
    static let shared = FFmpegLogLabels()

    /// The label of the stream the current thread is calling into libav* for, if bound.
    @TaskLocal static var callerLabel: String?

    private let labels = Mutex<[UInt: String]>([:])

    /// Labels `context`'s messages (a pointer to a struct starting with an `AVClass *`, or a
    /// custom AVIOContext); a nil label leaves them unlabelled.
    func register(_ context: UnsafeMutableRawPointer, label: String?) {
        guard let label else { return }
        labels.withLock { $0[UInt(bitPattern: context)] = label }
    }

    /// Like `register(_:label:)`, for a codec context: its `opaque` is pointed at itself, so the
    /// per-thread copies a frame-threaded decoder makes of the struct (and logs from) lead back
    /// to the registered context. The caller must not use `opaque` otherwise.
    func register(codec context: UnsafeMutablePointer<AVCodecContext>, label: String?) {
        guard label != nil else { return }
        context.pointee.opaque = UnsafeMutableRawPointer(context)
        register(UnsafeMutableRawPointer(context), label: label)
    }

    /// Forgets `context`, before it is freed; nil and contexts never registered are ignored.
    func unregister(_ context: UnsafeMutableRawPointer?) {
        guard let context else { return }
        labels.withLock { $0[UInt(bitPattern: context)] = nil }
    }

    /// Forgets `context` after libav* freed it itself (avformat_open_input on failure): by then
    /// the address may already be another stream's context, whose entry is left alone.
    func unregisterFreed(_ context: UnsafeMutableRawPointer, label: String?) {
        guard let label else { return }
        labels.withLock { labels in
            if labels[UInt(bitPattern: context)] == label { labels[UInt(bitPattern: context)] = nil }
        }
    }

    /// The label of an av_log call's context, if its owner registered one, else the caller's.
    func label(of context: UnsafeMutableRawPointer?) -> String? {
        guard let context else { return Self.callerLabel }
        return registeredLabel(of: context) ?? Self.callerLabel
    }

    private func registeredLabel(of context: UnsafeMutableRawPointer) -> String? {
        if let label = labels.withLock({ $0[UInt(bitPattern: context)] }) { return label }
        // A decoder thread's copy of a registered codec context: `opaque` names the original.
        let contextClass = context.assumingMemoryBound(to: UnsafePointer<AVClass>?.self).pointee
        guard let contextClass, contextClass == avcodec_get_class(),
              let original = context.assumingMemoryBound(to: AVCodecContext.self).pointee.opaque,
              original != context else { return nil }
        return labels.withLock { $0[UInt(bitPattern: original)] }
    }
}
