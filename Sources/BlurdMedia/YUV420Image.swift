/// A planar 8-bit 4:2:0 picture as decoded (limited-range YUV), planes tightly packed: `y` is
/// width × height, `u` and `v` are (width / 2) × (height / 2). Sizes are even.
///
/// The full-resolution counterpart of the analysis luma, for outputs that show the original
/// frame (annotated video).
public struct YUV420Image: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var y: [UInt8]
    public var u: [UInt8]
    public var v: [UInt8]

    /// A black picture (Y 16, neutral chroma).
    public init(width: Int, height: Int) {
        precondition(width >= 2 && height >= 2 && width % 2 == 0 && height % 2 == 0, "4:2:0 needs even sizes")
        self.width = width
        self.height = height
        y = [UInt8](repeating: 16, count: width * height)
        u = [UInt8](repeating: 128, count: width * height / 4)
        v = [UInt8](repeating: 128, count: width * height / 4)
    }

    public var chromaWidth: Int { width / 2 }
    public var chromaHeight: Int { height / 2 }

    /// Makes this picture a copy of `other`, reusing this picture's storage when the sizes match
    /// (a sink that draws on frames it does not own copies them into its own buffer).
    public mutating func assign(_ other: YUV420Image) {
        guard width == other.width, height == other.height else {
            self = other
            return
        }
        Self.copy(other.y, into: &y)
        Self.copy(other.u, into: &u)
        Self.copy(other.v, into: &v)
    }

    private static func copy(_ source: [UInt8], into destination: inout [UInt8]) {
        destination.withUnsafeMutableBufferPointer { target in
            source.withUnsafeBufferPointer { target.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
        }
    }
}
