/// A growable fp32 buffer owned by a `Network`: it only reallocates when asked for more than it
/// holds, so steady-state inference on frames of one size allocates nothing.
final class FloatBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init() {
        pointer = .allocate(capacity: 1)
        capacity = 1
    }

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        pointer = .allocate(capacity: count)
        capacity = count
    }

    deinit { pointer.deallocate() }
}

/// An NCHW activation inside a `Network`, backed by a reusable `FloatBuffer`.
final class FeatureMap {
    private(set) var n = 0, c = 0, h = 0, w = 0
    private let buffer = FloatBuffer()

    var data: UnsafeMutablePointer<Float> { buffer.pointer }
    var count: Int { n * c * h * w }
    var plane: Int { h * w }

    func reshape(n: Int, c: Int, h: Int, w: Int) {
        self.n = n; self.c = c; self.h = h; self.w = w
        buffer.reserve(count)
    }

    func reshape(like other: FeatureMap) { reshape(n: other.n, c: other.c, h: other.h, w: other.w) }

    func zero() { data.update(repeating: 0, count: count) }

    var reservedFloats: Int { buffer.capacity }

    /// Start of image `b`, channel `channel`.
    func plane(_ b: Int, _ channel: Int) -> UnsafeMutablePointer<Float> { data + (b * c + channel) * plane }
}
