import CFFmpeg

/// An opened input (demuxer) context: closed (avformat_close_input) and its log label forgotten
/// when the owner goes, so no failure path after the opening closes it by hand. Made only once
/// avformat_open_input succeeded, since on failure that call frees the context itself.
/// Keep the owner, not just `pointer`, while FFmpeg uses it.
final class InputFormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// The state the context's interrupt callback reads, which closing may still consult.
    private let interrupt: InputInterrupt?
    /// The custom I/O the context reads through: avformat_close_input leaves it alone, and it
    /// must outlive the context.
    private let pipeInput: PipeInput?

    /// Owns `context`; `interrupt` and `pipeInput`, when the context calls into them, are held
    /// so they are released only after deinit closed it.
    init(opened context: UnsafeMutablePointer<AVFormatContext>, interrupt: InputInterrupt? = nil,
         readingThrough pipeInput: PipeInput? = nil) {
        pointer = context
        self.interrupt = interrupt
        self.pipeInput = pipeInput
    }

    deinit {
        FFmpegLogLabels.shared.unregister(UnsafeMutableRawPointer(pointer))
        var owned: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&owned)
    }
}
