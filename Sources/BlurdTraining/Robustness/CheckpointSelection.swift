import BlurdAnalysis
import BlurdMedia
import BlurdSegmenter

/// How well a model does on real video with a known answer: the mean region IoU (over the
/// textured cells) of the blurred-region clips minus the mean blurred fraction of the sharp
/// clips. Higher is better; 1 is perfect.
public struct SelectionScore: Codable, Sendable, Equatable {
    public var regionIoU: Double
    public var sharpBlurredFraction: Double

    public init(regionIoU: Double, sharpBlurredFraction: Double) {
        self.regionIoU = regionIoU
        self.sharpBlurredFraction = sharpBlurredFraction
    }

    public var value: Double { regionIoU - sharpBlurredFraction }
}

/// Scores checkpoints on a set of real video for `blurd train --select-on`: the sharp and
/// blurred-region cases of a robustness-format set (`scripts/make-robustness-set.sh
/// --selection` builds one from training photographs panned into video), analysed by the fp32
/// CNN exactly as `blurd analyze` runs it.
///
/// Why: the synthetic validation IoU does not rank checkpoints the way real footage does
/// (docs/MODEL.md, "What fine-tuning blurseg-v2 did"), so the checkpoint to ship is chosen on
/// video, and on video other than the robustness set, which then stays a test.
public struct CheckpointSelection: Sendable {
    public let cases: [RobustnessCase]
    public let analysisLongSide: Int

    /// Reads the set's manifest and keeps its sharp and region cases; it needs some of each.
    public init(directory: String, analysisLongSide: Int = VideoSourceOptions.defaultAnalysisLongSide) throws {
        let all = try RobustnessManifest.read(directory: directory)
        cases = all.filter { $0.kind == .sharp || $0.kind == .region }
        guard cases.contains(where: { $0.kind == .sharp }), cases.contains(where: { $0.kind == .region }) else {
            throw RobustnessError.evaluation("\(directory) needs sharp and region cases to select checkpoints on (scripts/make-robustness-set.sh --selection)")
        }
        self.analysisLongSide = analysisLongSide
    }

    /// The model's score on the set, through the fp32 CNN analyzer.
    public func score(_ model: ModelFile) throws -> SelectionScore {
        let method = RobustnessMethod(name: "cnn-fp32") {
            try CNNAnalyzer(configuration: .init(model: model, precision: .fp32))
        }
        let results = try RobustnessEvaluator.evaluate(cases: cases, methods: [method], analysisLongSide: analysisLongSide)
        let ious = results.compactMap { $0.kind == RobustnessCase.Kind.region.rawValue ? ($0.texturedRegionIoU ?? 0) : nil }
        let fractions = results.compactMap { $0.kind == RobustnessCase.Kind.sharp.rawValue ? ($0.meanBlurredFraction ?? 1) : nil }
        return SelectionScore(regionIoU: ious.reduce(0, +) / Double(ious.count),
                              sharpBlurredFraction: fractions.reduce(0, +) / Double(fractions.count))
    }
}
