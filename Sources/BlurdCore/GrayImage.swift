/// An 8-bit single-channel (luma) image, row-major, tightly packed (stride == width).
///
/// This is the analysis buffer that flows from the decoder through the ring buffer to the
/// analyzers; keeping it a plain value type makes ownership obvious.
public struct GrayImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    /// A black image of the given size.
    public init(width: Int, height: Int) {
        precondition(width >= 0 && height >= 0, "negative image size")
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: 0, count: width * height)
    }

    /// Wraps existing pixels; `pixels.count` must equal `width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "pixel count does not match size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    @inlinable public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }
}

/// A single-channel Float image, row-major, tightly packed. Values are usually in [0, 1].
public struct FloatImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, fill: Float = 0) {
        precondition(width >= 0 && height >= 0, "negative image size")
        self.width = width
        self.height = height
        self.pixels = [Float](repeating: fill, count: width * height)
    }

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height, "pixel count does not match size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Converts 8-bit luma to [0, 1].
    public init(_ gray: GrayImage) {
        self.init(width: gray.width, height: gray.height, pixels: gray.pixels.map { Float($0) * (1 / 255) })
    }

    @inlinable public subscript(x: Int, y: Int) -> Float {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Rounds and clamps to 8 bits.
    public func toGray() -> GrayImage {
        GrayImage(width: width, height: height,
                  pixels: pixels.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) })
    }
}
