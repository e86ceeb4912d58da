/// A growable byte buffer owned by a `QuantizedNetwork`: it reallocates only when asked for
/// more than it holds, so steady-state int8 inference on frames of one size allocates nothing.
final class QuantizedBuffer {
    private(set) var pointer: UnsafeMutableRawPointer
    private(set) var capacity: Int

    init() {
        pointer = .allocate(byteCount: 64, alignment: 64)
        capacity = 64
    }

    func reserve(_ bytes: Int) {
        guard bytes > capacity else { return }
        pointer.deallocate()
        pointer = .allocate(byteCount: bytes, alignment: 64)
        capacity = bytes
    }

    var bytes: UnsafeMutablePointer<UInt8> { pointer.assumingMemoryBound(to: UInt8.self) }
    var floats: UnsafeMutablePointer<Float> { pointer.assumingMemoryBound(to: Float.self) }

    deinit { pointer.deallocate() }
}
