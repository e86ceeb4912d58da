import CFFmpeg

/// Index access to AVFrame's fixed-size `data` / `linesize` arrays, which Swift imports as tuples.
extension UnsafeMutablePointer where Pointee == AVFrame {
    func planeData(_ plane: Int) -> UnsafeMutablePointer<UInt8>? {
        withUnsafeBytes(of: pointee.data) { $0.load(fromByteOffset: plane * MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride,
                                                    as: UnsafeMutablePointer<UInt8>?.self) }
    }

    func lineSize(_ plane: Int) -> Int {
        withUnsafeBytes(of: pointee.linesize) { Int($0.load(fromByteOffset: plane * MemoryLayout<Int32>.stride, as: Int32.self)) }
    }

    /// Copies a tightly packed `width`×`height` plane into plane `plane`, honouring its line size.
    func copyPlane(_ plane: Int, from source: UnsafeBufferPointer<UInt8>, width: Int, height: Int) {
        guard let destination = planeData(plane), let base = source.baseAddress else { return }
        let stride = lineSize(plane)
        for row in 0..<height {
            (destination + row * stride).update(from: base + row * width, count: width)
        }
    }

    /// Fills plane `plane` (`width`×`height` visible samples) with one value.
    func fillPlane(_ plane: Int, value: UInt8, width: Int, height: Int) {
        guard let destination = planeData(plane) else { return }
        let stride = lineSize(plane)
        for row in 0..<height {
            (destination + row * stride).update(repeating: value, count: width)
        }
    }
}
