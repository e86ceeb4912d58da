import BlurdImaging

/// One synthetic training example: a luma crop and its ground-truth blur mask.
public struct TrainingSample: Sendable {
    /// Luma in [0, 1], `cropSize × cropSize`.
    public var image: FloatImage
    /// Same size as `image`; 1 = blurred beyond the synthesis threshold, 0 = sharp. Binary.
    public var mask: FloatImage

    public init(image: FloatImage, mask: FloatImage) {
        precondition(image.width == mask.width && image.height == mask.height, "image and mask sizes differ")
        self.image = image
        self.mask = mask
    }
}
