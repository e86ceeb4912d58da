import BlurdCore
import BlurdMedia

/// What one ring buffer slot holds: the luma the decoder fills in place, and its metadata.
struct FrameSlot {
    var luma: GrayImage
    var meta: FrameMeta?
}
