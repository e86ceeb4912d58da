import Foundation
import BlurdCore
import BlurdSegmenter

/// A resumable snapshot of a run: the model file (weights, normalisation, metadata), the Adam
/// state, the weight average, the iteration, the training time spent and the run's
/// configuration (with its seed).
///
/// Layout: magic "BLURDCKP", u32 version, length-prefixed JSON header, length-prefixed model
/// file bytes, the Adam moments (u32 count, then each as a length-prefixed f32 array, first
/// moments then second), since version 2 the averaged weights (u32 count, 0 when the run keeps
/// no average, then each as a length-prefixed f32 array), and a trailing FNV-1a 64 checksum of
/// everything before it. Version 1 files (no average) still read.
public struct TrainingCheckpoint {
    public static let magic: [UInt8] = Array("BLURDCKP".utf8)
    public static let version: UInt32 = 2

    /// The small fields, stored as JSON so a checkpoint can be inspected with `strings`.
    public struct Header: Codable, Sendable, Equatable {
        public var configuration: TrainingConfiguration
        public var iteration: Int
        public var trainingSeconds: Double
        public var samplesSeen: Int
        public var adamStep: Int
        public var validation: SegmentationMetrics?
        /// The iteration `validation` was measured at (absent in checkpoints of older builds).
        public var validationIteration: Int?
        /// The best checkpoint-selection score so far and its iteration (runs with a selector).
        public var bestSelection: SelectionScore?
        public var bestSelectionIteration: Int?
    }

    public var header: Header
    public var model: ModelFile
    public var firstMoments: [[Float]]
    public var secondMoments: [[Float]]
    /// `WeightAverage.values` when the run averages its weights (`--average-weights`), in
    /// `Network.parameters` order; `model` keeps the raw weights so a resumed run goes on exactly.
    public var averagedWeights: [[Float]]?

    public init(header: Header, model: ModelFile, firstMoments: [[Float]], secondMoments: [[Float]],
                averagedWeights: [[Float]]? = nil) {
        self.header = header
        self.model = model
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
        self.averagedWeights = averagedWeights
    }

    /// The weights a run stands for: the averaged ones when it keeps an average, else the raw
    /// ones. Export, selection, validation and `--init` use this.
    public var deployableModel: ModelFile {
        guard let averagedWeights else { return model }
        var deployable = model
        let parameters = Network(spec: model.spec, seed: 0).parameters
        for (parameter, values) in zip(parameters, averagedWeights) {
            deployable.tensors[parameter.name] = StoredTensor(f32: values, shape: parameter.shape)
        }
        return deployable
    }

    public func serialized() throws -> [UInt8] {
        var writer = BinaryWriter()
        writer.writeRaw(Self.magic)
        writer.write(Self.version)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        writer.write(bytes: Array(try encoder.encode(header)))
        writer.write(bytes: model.serialized())
        writer.write(UInt32(firstMoments.count))
        for moment in firstMoments { writer.write(floats: moment) }
        for moment in secondMoments { writer.write(floats: moment) }
        writer.write(UInt32(averagedWeights?.count ?? 0))
        for values in averagedWeights ?? [] { writer.write(floats: values) }
        var bytes = writer.bytes
        withUnsafeBytes(of: FNV1a.hash64(bytes).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    public init(bytes: [UInt8]) throws {
        guard bytes.count >= Self.magic.count + 12 else { throw TrainingError.checkpoint("file too short (\(bytes.count) bytes)") }
        guard Array(bytes.prefix(Self.magic.count)) == Self.magic else {
            throw TrainingError.checkpoint("not a blurd checkpoint (bad magic)")
        }
        let body = Array(bytes.dropLast(8))
        var trailer = BinaryReader(Array(bytes.suffix(8)))
        guard try trailer.readUInt64("checksum") == FNV1a.hash64(body) else {
            throw TrainingError.checkpoint("checksum mismatch: the file is corrupted or truncated")
        }
        var reader = BinaryReader(body)
        _ = try reader.readRaw(Self.magic.count, "magic")
        let version = try reader.readUInt32("version")
        guard version == 1 || version == Self.version else {
            throw TrainingError.checkpoint("unsupported checkpoint version \(version) (expected \(Self.version))")
        }
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(try reader.readBytes("header")))
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError.checkpoint("unreadable header: \(error)")
        }
        model = try ModelFile(bytes: try reader.readBytes("model"))
        let count = Int(try reader.readUInt32("moment count"))
        let parameterCount = Network(spec: model.spec, seed: 0).parameters.count
        guard count == parameterCount else {
            throw TrainingError.checkpoint("\(count) optimizer moments for \(parameterCount) parameters")
        }
        firstMoments = try (0..<count).map { _ in try reader.readFloats("first moments") }
        secondMoments = try (0..<count).map { _ in try reader.readFloats("second moments") }
        averagedWeights = nil
        if version >= 2 {
            let averaged = Int(try reader.readUInt32("averaged weight count"))
            guard averaged == 0 || averaged == parameterCount else {
                throw TrainingError.checkpoint("\(averaged) averaged weights for \(parameterCount) parameters")
            }
            if averaged > 0 {
                let values = try (0..<averaged).map { _ in try reader.readFloats("averaged weights") }
                guard values.map(\.count) == firstMoments.map(\.count) else {
                    throw TrainingError.checkpoint("averaged weights do not match the parameters' sizes")
                }
                averagedWeights = values
            }
        }
        guard reader.remaining == 0 else { throw TrainingError.checkpoint("\(reader.remaining) unexpected trailing bytes") }
    }

    public static func read(contentsOf path: String) throws -> TrainingCheckpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError.checkpoint("cannot read \(path)")
        }
        return try TrainingCheckpoint(bytes: Array(data))
    }

    /// Writes to a temporary file then renames it, so an interrupted save never leaves a
    /// half-written checkpoint in place of the previous one.
    public func write(to path: String) throws {
        let temporary = path + ".partial"
        do {
            try Data(try serialized()).write(to: URL(fileURLWithPath: temporary))
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError.checkpoint("cannot write \(temporary): \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            throw TrainingError.checkpoint("cannot move \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
