import CBlurdModel

/// The model embedded in the binary (Sources/CBlurdModel/default.blurdmodel, via `.incbin`).
public enum DefaultModel {
    public static func load() throws -> ModelFile {
        try ModelFile(bytes: Array(UnsafeBufferPointer(start: blurd_default_model_data(), count: blurd_default_model_size())))
    }
}
