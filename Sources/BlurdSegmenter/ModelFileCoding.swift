/// Little-endian writer for the model file.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }
    mutating func f32Array(_ v: [Float]) {
        bytes.reserveCapacity(bytes.count + 4 * v.count)
        for x in v { f32(x) }
    }
}

/// Little-endian reader over a checksummed range: a field that runs past its end means the
/// writer and the stored sizes disagree, reported as `ModelFileError.malformed`.
struct ByteReader {
    let bytes: [UInt8]
    let end: Int
    private(set) var offset = 0

    init(_ bytes: [UInt8], end: Int) {
        self.bytes = bytes
        self.end = end
    }

    private mutating func take(_ n: Int) throws -> Int {
        guard n >= 0, offset <= end - n else {
            throw ModelFileError.malformed("a \(n)-byte field at offset \(offset) runs past the end of the data")
        }
        defer { offset += n }
        return offset
    }

    mutating func u8() throws -> UInt8 { bytes[try take(1)] }
    mutating func u16() throws -> UInt16 {
        let at = try take(2)
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }
    mutating func u32() throws -> UInt32 {
        let at = try take(4)
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }
    mutating func f32() throws -> Float { Float(bitPattern: try u32()) }
    mutating func raw(_ n: Int) throws -> ArraySlice<UInt8> {
        let at = try take(n)
        return bytes[at..<(at + n)]
    }
    mutating func f32Array(_ n: Int) throws -> [Float] {
        let at = try take(4 * n)
        return (0..<n).map { i in
            let p = at + 4 * i
            return Float(bitPattern: UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)
        }
    }
}
