import BlurdCore

/// One synthetic training example: a luma crop, its ground-truth blur mask, the loss weight
/// of each pixel and the type of its blur.
public struct TrainingSample: Sendable {
    /// Luma in [0, 1], `cropSize × cropSize`.
    public var image: FloatImage
    /// Same size as `image`; 1 = blurred beyond the synthesis threshold, 0 = sharp. Binary.
    public var mask: FloatImage
    /// Same size as `image`, in [0, 1]: how much the loss counts each pixel. A blurred pixel
    /// whose blur left no visible trace (the sharp content was flat there) is 0: nothing in the
    /// image can tell it apart from sharp, so neither label may be taught.
    public var weight: FloatImage
    /// The type (and motion direction) of every blurred pixel; nil when nothing is blurred or
    /// the sample's source does not know it.
    public var blurType: BlurTypeLabel?

    /// A sample whose every pixel counts fully when `weight` is nil.
    public init(image: FloatImage, mask: FloatImage, weight: FloatImage? = nil, blurType: BlurTypeLabel? = nil) {
        precondition(image.width == mask.width && image.height == mask.height, "image and mask sizes differ")
        let weight = weight ?? FloatImage(width: image.width, height: image.height, fill: 1)
        precondition(weight.width == image.width && weight.height == image.height, "image and weight sizes differ")
        self.image = image
        self.mask = mask
        self.weight = weight
        self.blurType = blurType
    }

    /// The per-pixel type map beside the blur mask: 1 where the pixel is blurred by motion,
    /// 0 where it is sharp or defocused.
    public var motionMap: FloatImage {
        guard blurType?.type == .motion else { return FloatImage(width: mask.width, height: mask.height) }
        return mask
    }
}
