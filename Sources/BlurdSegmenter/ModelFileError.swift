import BlurdCore

/// Why a model file was rejected.
public enum ModelFileError: BlurdError, Equatable {
    case truncated(needed: Int, available: Int)
    case badMagic
    case unsupportedVersion(UInt32)
    case checksumMismatch(stored: UInt32, computed: UInt32)
    case malformed(String)
    case missingTensor(String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    case io(String)

    public var description: String {
        switch self {
        case let .truncated(needed, available):
            return "model file is truncated: needs at least \(needed) bytes, has \(available)"
        case .badMagic:
            return "not a blurd model file (magic is not \"BLURDMDL\")"
        case let .unsupportedVersion(v):
            return "model file version \(v) is not supported (this blurd reads versions 1 to \(ModelFile.formatVersion))"
        case let .checksumMismatch(stored, computed):
            return "model file is corrupt: CRC-32 is \(hex(computed)), the file says \(hex(stored))"
        case let .malformed(why):
            return "model file is malformed: \(why)"
        case let .missingTensor(name):
            return "model file lacks tensor \(name) required by its network spec"
        case let .shapeMismatch(name, expected, found):
            return "model tensor \(name) has shape \(found), the network spec needs \(expected)"
        case let .io(why):
            return why
        }
    }

    /// A model that cannot be used, as given by an option or a config value.
    public var exitCode: Int32 { 2 }

    /// A stream's model is loaded and checked before its first connection, which fails the
    /// stream outright; met during a connection, it is retried like any analyzer failure.
    public var isRetryable: Bool { true }

    private func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
}
