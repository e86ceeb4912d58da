/// One tensor of a model file: fp32 values, or int8 values with per-output-channel scales.
public struct StoredTensor: Sendable, Equatable {
    public enum DType: UInt8, Sendable { case f32 = 0, i8 = 1 }
    public var dtype: DType
    public var shape: [Int]
    /// Values when dtype is f32 (empty otherwise).
    public var f32: [Float]
    /// Values when dtype is i8 (empty otherwise).
    public var i8: [Int8]
    /// Per output channel for i8 weights (value = i8 · scale); may be empty for f32.
    public var scales: [Float]

    public init(f32: [Float], shape: [Int]) {
        precondition(f32.count == shape.reduce(1, *), "\(f32.count) values for shape \(shape)")
        dtype = .f32; self.shape = shape; self.f32 = f32; i8 = []; scales = []
    }

    public init(i8: [Int8], shape: [Int], scales: [Float]) {
        precondition(i8.count == shape.reduce(1, *), "\(i8.count) values for shape \(shape)")
        dtype = .i8; self.shape = shape; self.f32 = []; self.i8 = i8; self.scales = scales
    }

    public var count: Int { shape.reduce(1, *) }
}
