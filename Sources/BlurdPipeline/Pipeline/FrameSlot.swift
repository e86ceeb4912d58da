import BlurdCore
import BlurdMedia

/// What one ring buffer slot holds: the luma the decoder fills in place, the full-resolution
/// picture when a sink needs one (filled in place too), and the frame's metadata. Both pictures
/// travel in the one slot, so a dropped frame drops both and backpressure holds both.
struct FrameSlot {
    var luma: GrayImage
    var fullFrame: YUV420Image?
    var meta: FrameMeta?
}
