/// Which model-file format version a spec needs (docs/MODEL_FORMAT.md).
///
/// Version 1: a plain layer list whose last layer emits one blur map. Version 2 adds graph
/// branches (`from`), the frame-level context (`gap` and the broadcasting `add`) and named
/// output heads (`heads`): what blurseg-v3 needs and what an imported ONNX graph maps onto.
/// A file is written at the lowest version that holds its spec, so a version-1 model
/// (blurseg-v2, its fine-tunes) re-exports byte for byte and older builds keep reading it.
public enum ModelFormatVersion {
    public static let newest: UInt32 = 2
    public static let readable: ClosedRange<UInt32> = 1...newest

    public static func needed(by spec: NetworkSpec) -> UInt32 {
        let branches = spec.layers.contains { $0.from != nil || $0.op == .gap }
        return branches || spec.heads != nil ? 2 : 1
    }
}
