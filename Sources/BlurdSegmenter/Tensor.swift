/// NCHW fp32 tensor.
public struct Tensor: Sendable, Equatable {
    public var n: Int
    public var c: Int
    public var h: Int
    public var w: Int
    public var data: [Float]

    /// A tensor of the given shape; zeros when `data` is nil, otherwise `data.count` must be n·c·h·w.
    public init(n: Int, c: Int, h: Int, w: Int, data: [Float]? = nil) {
        precondition(n >= 0 && c >= 0 && h >= 0 && w >= 0, "negative tensor shape")
        let count = n * c * h * w
        if let data { precondition(data.count == count, "tensor data has \(data.count) values, shape needs \(count)") }
        self.n = n; self.c = c; self.h = h; self.w = w
        self.data = data ?? [Float](repeating: 0, count: count)
    }

    public var count: Int { n * c * h * w }

    @inlinable public subscript(n: Int, c: Int, y: Int, x: Int) -> Float {
        get { data[((n * self.c + c) * h + y) * w + x] }
        set { data[((n * self.c + c) * h + y) * w + x] = newValue }
    }
}
