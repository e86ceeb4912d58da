import CBlurdModel

/// The model embedded in the binary (Sources/CBlurdModel/default.blurdmodel, via `.incbin`).
public enum DefaultModel {
    /// The embedded file's bytes, as built into this binary.
    public static var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: blurd_default_model_data(), count: blurd_default_model_size()))
    }

    public static func load() throws -> ModelFile {
        try ModelFile(bytes: bytes)
    }
}
