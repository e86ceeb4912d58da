/// The targets of issue 8 and how one method meets them, over a whole robustness set.
public struct RobustnessTargets: Sendable, Equatable, Codable {
    public static let maxSharpBlurredFraction = 0.05
    public static let minSharpScore = 0.8
    public static let minRegionIoU = 0.7
    public static let minNoTextureRate = 0.95
    public static let minFocusSpearman = 0.98

    public var method: String
    /// Worst mean blurred fraction over the sharp cases (target ≤ 0.05).
    public var worstSharpBlurredFraction: Double?
    /// Worst mean score over the sharp cases (target ≥ 0.8).
    public var worstSharpScore: Double?
    /// `no_texture` frames in the sharp cases (target 0).
    public var sharpNoTextureFrames: Int
    /// Worst region IoU over the textured cells (target ≥ 0.7).
    public var worstRegionIoU: Double?
    /// Worst region IoU over all cells, flat ones included (for reference).
    public var worstAllCellsRegionIoU: Double?
    /// Lowest `no_texture` rate over the covered and flat cases (target ≥ 0.95).
    public var worstNoTextureRate: Double?
    /// Lowest focus-pull Spearman ρ (target ≥ 0.98).
    public var worstFocusSpearman: Double?

    // How many cases meet each target, and the means: the worst case alone hides whether a
    // change helped the rest of the set (a model is shipped only if it is no worse on these).

    /// Sharp cases, and how many have a mean blurred fraction ≤ 0.05 and a mean score ≥ 0.8.
    public var sharpCases: Int
    public var sharpCasesMeetingBlurredFraction: Int
    public var sharpCasesMeetingScore: Int
    /// Mean over the sharp cases of their mean blurred fraction.
    public var meanSharpBlurredFraction: Double?
    /// Region cases, and how many reach a textured-cell IoU ≥ 0.7.
    public var regionCases: Int
    public var regionCasesMeetingIoU: Int
    /// Mean textured-cell IoU over the region cases.
    public var meanRegionIoU: Double?

    public init(method: String, results: [RobustnessCaseResult]) {
        let mine = results.filter { $0.method == method }
        func of(_ kinds: RobustnessCase.Kind...) -> [RobustnessCaseResult] {
            mine.filter { result in kinds.contains { $0.rawValue == result.kind } }
        }
        let sharp = of(.sharp)
        self.method = method
        // A case without a value (every frame no_texture) is the worst possible outcome.
        worstSharpBlurredFraction = sharp.isEmpty ? nil : sharp.map { $0.meanBlurredFraction ?? 1 }.max()
        worstSharpScore = sharp.isEmpty ? nil : sharp.map { $0.meanScore ?? 0 }.min()
        sharpNoTextureFrames = sharp.reduce(0) { $0 + $1.noTextureFrames }
        let regions = of(.region)
        worstRegionIoU = regions.isEmpty ? nil : regions.map { $0.texturedRegionIoU ?? 0 }.min()
        worstAllCellsRegionIoU = regions.isEmpty ? nil : regions.map { $0.regionIoU ?? 0 }.min()
        let blind = of(.covered, .flat)
        worstNoTextureRate = blind.isEmpty ? nil : blind.map(\.noTextureRate).min()
        let focus = of(.focus)
        worstFocusSpearman = focus.isEmpty ? nil : focus.map { $0.focusSpearman ?? -1 }.min()

        let sharpFractions = sharp.map { $0.meanBlurredFraction ?? 1 }
        sharpCases = sharp.count
        sharpCasesMeetingBlurredFraction = sharpFractions.filter { $0 <= Self.maxSharpBlurredFraction }.count
        sharpCasesMeetingScore = sharp.filter { ($0.meanScore ?? 0) >= Self.minSharpScore }.count
        meanSharpBlurredFraction = sharp.isEmpty ? nil : sharpFractions.reduce(0, +) / Double(sharp.count)
        let regionIoUs = regions.map { $0.texturedRegionIoU ?? 0 }
        regionCases = regions.count
        regionCasesMeetingIoU = regionIoUs.filter { $0 >= Self.minRegionIoU }.count
        meanRegionIoU = regions.isEmpty ? nil : regionIoUs.reduce(0, +) / Double(regions.count)
    }

    /// Every target with a value is met.
    public var allMet: Bool {
        (worstSharpBlurredFraction.map { $0 <= Self.maxSharpBlurredFraction } ?? true)
            && (worstSharpScore.map { $0 >= Self.minSharpScore } ?? true)
            && sharpNoTextureFrames == 0
            && (worstRegionIoU.map { $0 >= Self.minRegionIoU } ?? true)
            && (worstNoTextureRate.map { $0 >= Self.minNoTextureRate } ?? true)
            && (worstFocusSpearman.map { $0 >= Self.minFocusSpearman } ?? true)
    }

    enum CodingKeys: String, CodingKey {
        case method
        case worstSharpBlurredFraction = "worst_sharp_blurred_fraction"
        case worstSharpScore = "worst_sharp_score"
        case sharpNoTextureFrames = "sharp_no_texture_frames"
        case worstRegionIoU = "worst_textured_region_iou"
        case worstAllCellsRegionIoU = "worst_region_iou"
        case worstNoTextureRate = "worst_no_texture_rate"
        case worstFocusSpearman = "worst_focus_spearman"
        case sharpCases = "sharp_cases"
        case sharpCasesMeetingBlurredFraction = "sharp_cases_meeting_blurred_fraction"
        case sharpCasesMeetingScore = "sharp_cases_meeting_score"
        case meanSharpBlurredFraction = "mean_sharp_blurred_fraction"
        case regionCases = "region_cases"
        case regionCasesMeetingIoU = "region_cases_meeting_iou"
        case meanRegionIoU = "mean_textured_region_iou"
    }
}
