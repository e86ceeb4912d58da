/// Little-endian writer and bounds-checked reader for the checkpoint container.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func write(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func write(bytes other: [UInt8]) {
        write(UInt64(other.count))
        bytes.append(contentsOf: other)
    }
    mutating func write(floats: [Float]) {
        write(UInt64(floats.count))
        for value in floats { write(value.bitPattern) }
    }
    mutating func writeRaw(_ other: [UInt8]) { bytes.append(contentsOf: other) }
}

struct BinaryReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    private mutating func take(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw TrainingError.checkpoint("truncated while reading \(what) (needs \(count) bytes, \(remaining) left)")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func readRaw(_ count: Int, _ what: String) throws -> [UInt8] { Array(try take(count, what)) }

    mutating func readUInt32(_ what: String) throws -> UInt32 {
        try take(4, what).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func readUInt64(_ what: String) throws -> UInt64 {
        try take(8, what).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func readCount(_ what: String, elementSize: Int) throws -> Int {
        let count = try readUInt64(what)
        guard count <= UInt64(remaining / elementSize) else {
            throw TrainingError.checkpoint("\(what) claims \(count) elements, only \(remaining) bytes left")
        }
        return Int(count)
    }

    mutating func readBytes(_ what: String) throws -> [UInt8] {
        let count = try readCount(what, elementSize: 1)
        return Array(try take(count, what))
    }

    mutating func readFloats(_ what: String) throws -> [Float] {
        let count = try readCount(what, elementSize: 4)
        var floats = [Float](repeating: 0, count: count)
        for i in 0..<count { floats[i] = Float(bitPattern: try readUInt32(what)) }
        return floats
    }
}
