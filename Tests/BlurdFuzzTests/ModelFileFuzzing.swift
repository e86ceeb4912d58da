import BlurdCore
@testable import BlurdSegmenter
import Foundation

/// `--model FILE`: the file is parsed, then built at both precisions into the segmenter that
/// analyses frames, which then scores a small frame. A mutated file almost never keeps its size
/// field and CRC-32 right, so each input is tried as it is and again with both repaired: the
/// second reaches the header JSON, the tensors and the network plan. The seeds are small
/// models made with `ModelFile(network: Network(spec:seed:), …)` and `addInt8(calibration:)`.
enum ModelFileFuzzing {
    /// Offset of the total-size field: after the magic and the format version.
    static let sizeOffset = ModelFile.magic.count + 4

    /// What blurd says about the file as given; the repaired copy only explores further.
    static func run(_ input: Data) -> FuzzOutcome {
        let bytes = [UInt8](input)
        let asGiven = load(bytes)
        // Room for the size field and a CRC-32 after it.
        if bytes.starts(with: ModelFile.magic), bytes.count >= sizeOffset + 8 {
            _ = load(repaired(bytes))
        }
        return asGiven
    }

    /// `bytes` with its last four bytes replaced by the CRC-32 of the rest, and the size field
    /// saying the length: what a writer of a deliberately hostile file would do.
    static func repaired(_ bytes: [UInt8]) -> [UInt8] {
        var body = Array(bytes.dropLast(4))
        withUnsafeBytes(of: UInt32(body.count + 4).littleEndian) {
            body.replaceSubrange(sizeOffset..<(sizeOffset + 4), with: $0)
        }
        withUnsafeBytes(of: CRC32.checksum(body).littleEndian) { body.append(contentsOf: $0) }
        return body
    }

    private static func load(_ bytes: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let model = try ModelFile(bytes: bytes)
            let frame = GrayImage(width: 24, height: 16, pixels: (0..<(24 * 16)).map { UInt8(truncatingIfNeeded: $0 &* 37) })
            for precision in [Segmenter.Precision.fp32, .int8] {
                let segmenter = try Segmenter(model: model, precision: precision, tileSize: 64, threads: 1)
                _ = segmenter.probabilities(frame)
            }
        }
    }
}
