import BlurdAnalysis
import BlurdPipeline

/// Writes one JSON object per analysed frame and a final summary object, one line each, every
/// line handed to the kernel as soon as it is complete (a consumer can tail the output).
/// Schema and mask encoding: docs/JSONL.md.
public final class JSONLinesSink: FrameSink {
    /// Decimals of a frame's `pts` and of its `score` in the lines: a reader of the log gets
    /// the values rounded to these.
    public static let ptsDecimals = 6
    public static let scoreDecimals = 4
    /// Decimals of `defocus_fraction` and `motion_fraction`.
    public static let fractionDecimals = 4

    private let output: OutputFile
    private let method: String

    /// Writes to standard output.
    public init(method: String) {
        self.output = OutputFile.standardOutput()
        self.method = method
    }

    /// Creates or truncates `path`.
    public init(path: String, method: String) throws {
        self.output = try OutputFile(creating: path)
        self.method = method
    }

    public func write(_ result: FrameResult) throws {
        try output.write(Array(JSONLinesSink.line(for: result, method: method).utf8))
    }

    public func finish(_ summary: RunSummary) throws {
        try output.write(Array(JSONLinesSink.line(for: summary).utf8))
        try output.close()
    }

    /// The line (with its newline) for one frame.
    public static func line(for result: FrameResult, method: String) -> String {
        let analysis = result.analysis
        let mask: String
        if analysis.state == .noTexture {
            mask = "\"unknown\""
        } else {
            let runs = MaskRunLengths.encode(analysis.map).map(String.init).joined(separator: ",")
            mask = "{\"grid\":[\(analysis.map.width),\(analysis.map.height)],\"encoding\":\"rle\",\"data\":[\(runs)]}"
        }
        // A timestamp jump adds its field after pts; every other frame's line is unchanged.
        let jump = result.meta.discontinuity.map { ["\"discontinuity\":\(JSONText.number($0, decimals: 6))"] } ?? []
        let fields = [
            "\"frame\":\(result.meta.index)",
            "\"pts\":\(JSONText.number(result.meta.pts, decimals: ptsDecimals))",
        ] + jump + [
            "\"keyframe\":\(result.meta.isKeyframe)",
            "\"width\":\(result.luma.width)",
            "\"height\":\(result.luma.height)",
            "\"state\":\(JSONText.string(analysis.state.rawValue))",
            "\"score\":\(JSONText.number(analysis.score, decimals: scoreDecimals))",
            "\"blurred_fraction\":\(JSONText.number(analysis.blurredFraction, decimals: 4))",
            "\"method\":\(JSONText.string(method))",
            "\"mask\":\(mask)",
        ]
        return "{" + (fields + typeFields(analysis.blurType)).joined(separator: ",") + "}\n"
    }

    /// The blur-type fields, after `mask`, only for a model with type heads (blurseg-v3): every
    /// other line is exactly as before, so older readers keep working.
    private static func typeFields(_ summary: BlurTypeSummary?) -> [String] {
        guard let summary else { return [] }
        return [
            "\"defocus_fraction\":\(JSONText.number(summary.defocusFraction, decimals: fractionDecimals))",
            "\"motion_fraction\":\(JSONText.number(summary.motionFraction, decimals: fractionDecimals))",
            "\"blur_type\":\(summary.dominant.map { JSONText.string($0.rawValue) } ?? "null")",
            "\"motion_angle\":\(JSONText.number(summary.motionAngle, decimals: 1))",
        ]
    }

    /// The final line (with its newline).
    public static func line(for summary: RunSummary) -> String {
        let fields = [
            "\"frames_decoded\":\(summary.framesDecoded)",
            "\"frames_analysed\":\(summary.framesAnalysed)",
            "\"frames_dropped\":\(summary.framesDropped)",
            "\"corrupt_packets\":\(summary.corruptPackets)",
            "\"decode_errors\":\(summary.decodeErrors)",
            "\"no_texture_frames\":\(summary.noTextureFrames)",
            "\"elapsed_s\":\(JSONText.number(summary.elapsedSeconds, decimals: 3))",
            "\"fps\":\(JSONText.number(summary.fps, decimals: 2))",
            "\"interrupted\":\(summary.interrupted)",
        ]
        return "{\"summary\":{" + fields.joined(separator: ",") + "}}\n"
    }
}
