import CFFmpeg

/// An opened input (demuxer) context: closed (avformat_close_input) and its log label forgotten
/// when the owner goes, so no failure path after the opening closes it by hand. Made only once
/// avformat_open_input succeeded, since on failure that call frees the context itself.
/// Keep the owner, not just `pointer`, while FFmpeg uses it.
final class InputFormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// The custom I/O the context reads through: avformat_close_input leaves it alone, and it
    /// must outlive the context, so it is held here and released only after deinit closed it.
    private let pipeInput: PipeInput?

    init(opened context: UnsafeMutablePointer<AVFormatContext>, readingThrough pipeInput: PipeInput? = nil) {
        pointer = context
        self.pipeInput = pipeInput
    }

    deinit {
        FFmpegLogLabels.shared.unregister(UnsafeMutableRawPointer(pointer))
        var owned: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&owned)
    }
}
