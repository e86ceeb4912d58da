import Foundation

/// The versioned binary model file (architecture + tensors + normalisation + metadata + checksum).
///
/// Layout (little-endian) is documented in docs/MODEL_FORMAT.md.
public struct ModelFile: Sendable {
    public static let magic = Array("BLURDMDL".utf8)
    /// The newest format version this build reads and writes (`ModelFormatVersion`).
    public static let formatVersion: UInt32 = ModelFormatVersion.newest

    public var spec: NetworkSpec
    /// Luma in [0,1] is normalised as (x - mean) / std before layer 1.
    public var inputMean: Float
    public var inputStd: Float
    /// fp32 weights and biases by Parameter.name; int8 entries added by export.
    public var tensors: [String: StoredTensor]
    /// Training command, seed, data, metrics.
    public var metadata: [String: String]

    public init(spec: NetworkSpec, inputMean: Float, inputStd: Float, tensors: [String: StoredTensor],
                metadata: [String: String]) {
        self.spec = spec
        self.inputMean = inputMean
        self.inputStd = inputStd
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The network's parameters and batch-norm statistics as f32 tensors.
    public init(network: Network, inputMean: Float, inputStd: Float, metadata: [String: String]) {
        var tensors: [String: StoredTensor] = [:]
        for p in network.parameters + network.statistics { tensors[p.name] = StoredTensor(f32: p.value, shape: p.shape) }
        self.init(spec: network.spec, inputMean: inputMean, inputStd: inputStd, tensors: tensors, metadata: metadata)
    }

    public static func read(contentsOf path: String) throws -> ModelFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError.io("cannot read model file \(path)")
        }
        return try ModelFile(bytes: [UInt8](data))
    }

    public func write(to path: String) throws {
        do {
            try Data(serialized()).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelFileError.io("cannot write model file \(path): \(error.localizedDescription)")
        }
    }

    /// The CRC-32 that ends this model's file (the CRC of every byte before it): it names the
    /// exact weights. (The CRC of the whole file is the same constant for every model.)
    public var storedChecksum: UInt32 {
        let bytes = serialized()
        return bytes.suffix(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The JSON block: architecture and free-form metadata.
    private struct Header: Codable {
        var spec: NetworkSpec
        var metadata: [String: String]
    }

    public func serialized() -> [UInt8] {
        var out = ByteWriter()
        out.raw(Self.magic)
        out.u32(ModelFormatVersion.needed(by: spec))
        let sizeOffset = out.bytes.count
        out.u32(0)  // total size, patched below
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain structs of strings and integers cannot fail.
        let header = try! encoder.encode(Header(spec: spec, metadata: metadata))
        out.u32(UInt32(header.count))
        out.raw([UInt8](header))
        out.f32(inputMean)
        out.f32(inputStd)
        out.u32(UInt32(tensors.count))
        for name in tensors.keys.sorted() {
            let t = tensors[name]!
            let nameBytes = Array(name.utf8)
            out.u16(UInt16(nameBytes.count))
            out.raw(nameBytes)
            out.u8(t.dtype.rawValue)
            out.u8(UInt8(t.shape.count))
            for d in t.shape { out.u32(UInt32(d)) }
            out.u32(UInt32(t.scales.count))
            out.f32Array(t.scales)
            switch t.dtype {
            case .f32: out.f32Array(t.f32)
            case .i8: out.raw(t.i8.map { UInt8(bitPattern: $0) })
            }
        }
        var bytes = out.bytes
        let total = UInt32(bytes.count + 4)
        withUnsafeBytes(of: total.littleEndian) { bytes.replaceSubrange(sizeOffset..<(sizeOffset + 4), with: $0) }
        let crc = CRC32.checksum(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Rejects bad magic, version, truncation, checksum, shape mismatch with clear errors.
    public init(bytes: [UInt8]) throws {
        let fixed = Self.magic.count + 12
        guard bytes.count >= Self.magic.count, Array(bytes[0..<Self.magic.count]) == Self.magic else {
            throw bytes.count < Self.magic.count && Self.magic.starts(with: bytes)
                ? ModelFileError.truncated(needed: fixed, available: bytes.count) : ModelFileError.badMagic
        }
        guard bytes.count >= fixed else { throw ModelFileError.truncated(needed: fixed, available: bytes.count) }
        var prefix = ByteReader(bytes, end: fixed)
        _ = try prefix.raw(Self.magic.count)
        let version = try prefix.u32()
        guard ModelFormatVersion.readable.contains(version) else { throw ModelFileError.unsupportedVersion(version) }
        let total = Int(try prefix.u32())
        guard bytes.count >= total else { throw ModelFileError.truncated(needed: total, available: bytes.count) }
        guard bytes.count == total, total >= fixed + 4 else {
            throw ModelFileError.malformed("header says \(total) bytes, the file has \(bytes.count)")
        }
        let stored = UInt32(bytes[total - 4]) | UInt32(bytes[total - 3]) << 8 | UInt32(bytes[total - 2]) << 16
            | UInt32(bytes[total - 1]) << 24
        let computed = bytes.withUnsafeBufferPointer { CRC32.checksum(UnsafeBufferPointer(rebasing: $0[0..<(total - 4)])) }
        guard stored == computed else { throw ModelFileError.checksumMismatch(stored: stored, computed: computed) }

        var reader = ByteReader(bytes, end: total - 4)
        _ = try reader.raw(Self.magic.count + 8)
        let headerBytes = try reader.raw(Int(try reader.u32()))
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(headerBytes))
        } catch {
            throw ModelFileError.malformed("header JSON does not decode: \(error)")
        }
        let inputMean = try reader.f32(), inputStd = try reader.f32()
        guard inputStd.isFinite, inputStd > 0, inputMean.isFinite else {
            throw ModelFileError.malformed("input normalisation mean \(inputMean), std \(inputStd)")
        }
        var tensors: [String: StoredTensor] = [:]
        for _ in 0..<Int(try reader.u32()) {
            guard let name = String(validating: try reader.raw(Int(try reader.u16())), as: UTF8.self) else {
                throw ModelFileError.malformed("tensor name is not UTF-8")
            }
            guard let dtype = StoredTensor.DType(rawValue: try reader.u8()) else {
                throw ModelFileError.malformed("tensor \(name) has an unknown dtype")
            }
            let rank = Int(try reader.u8())
            let shape = try (0..<rank).map { _ in Int(try reader.u32()) }
            // Saturates for good once a partial product overflows: a later 0 must not bring it back
            // under the file size, or every product of the shape elsewhere traps (found by fuzzing).
            let count = shape.reduce(1) { $0 == Int.max || $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            guard count <= total else { throw ModelFileError.malformed("tensor \(name) shape \(shape) is larger than the file") }
            let scales = try reader.f32Array(Int(try reader.u32()))
            var tensor: StoredTensor
            switch dtype {
            case .f32: tensor = StoredTensor(f32: try reader.f32Array(count), shape: shape)
            case .i8: tensor = StoredTensor(i8: try reader.raw(count).map { Int8(bitPattern: $0) }, shape: shape, scales: [])
            }
            tensor.scales = scales
            if let problem = Self.valueProblem(tensor) { throw ModelFileError.malformed("tensor \(name) \(problem)") }
            tensors[name] = tensor
        }
        guard reader.offset == total - 4 else {
            throw ModelFileError.malformed("\(total - 4 - reader.offset) unread bytes before the checksum")
        }
        if ModelFormatVersion.needed(by: header.spec) > version {
            throw ModelFileError.malformed("the spec uses version-\(ModelFormatVersion.needed(by: header.spec)) features in a version-\(version) file")
        }
        try Self.validate(spec: header.spec, tensors: tensors)
        self.init(spec: header.spec, inputMean: inputMean, inputStd: inputStd, tensors: tensors, metadata: header.metadata)
    }

    /// The largest magnitude of a stored f32 value or scale. Trained weights, biases and
    /// statistics stay within a few hundred; beyond this a model is damaged, and its
    /// activations would overflow to infinity.
    public static let maximumMagnitude: Float = 1e6

    /// What is wrong with a tensor's values or scales (NaN, infinite, or beyond
    /// `maximumMagnitude`), or nil: the int8 path would score such a model's frames without
    /// a word, so it is refused at load.
    static func valueProblem(_ tensor: StoredTensor) -> String? {
        for (what, values) in [("value", tensor.f32), ("scale", tensor.scales)] {
            if let index = values.firstIndex(where: { !($0.magnitude <= maximumMagnitude) }) {
                return "has \(what) \(values[index]) at index \(index) (must be finite, |x| <= 1e6)"
            }
        }
        return nil
    }

    /// Every tensor the spec needs is present as f32 with the spec's shape.
    static func validate(spec: NetworkSpec, tensors: [String: StoredTensor]) throws {
        let plan: NetworkPlan
        do { plan = try NetworkPlan(spec: spec) } catch { throw ModelFileError.malformed("\(error)") }
        for (name, shape) in plan.parameterShapes + plan.statisticShapes {
            guard let t = tensors[name] else { throw ModelFileError.missingTensor(name) }
            guard t.dtype == .f32 else { throw ModelFileError.malformed("tensor \(name) must be f32") }
            guard t.shape == shape else { throw ModelFileError.shapeMismatch(name: name, expected: shape, found: t.shape) }
        }
    }
}
