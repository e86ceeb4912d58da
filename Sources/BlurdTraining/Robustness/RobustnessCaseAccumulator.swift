import BlurdAnalysis

/// Gathers one method's frame analyses on one case into a `RobustnessCaseResult`.
struct RobustnessCaseAccumulator {
    let method: String
    let testCase: RobustnessCase
    private var frames = 0
    private var noTexture = 0
    private var fractions: [Double] = []
    private var scores: [Double] = []
    private var scoredSigmas: [Double] = []
    private var intersection = 0
    private var union = 0
    private var texturedIntersection = 0
    private var texturedUnion = 0

    init(method: String, testCase: RobustnessCase) {
        self.method = method
        self.testCase = testCase
    }

    /// `truth`: the ground-truth cells at `analysis.map`'s grid and which of them are textured
    /// (region cases); `sigma`: the frame's blur (focus cases).
    mutating func add(_ analysis: FrameAnalysis, truth: (blurred: [Bool], textured: [Bool])?, sigma: Double?) {
        frames += 1
        if analysis.state == .noTexture { noTexture += 1 }
        if let fraction = analysis.blurredFraction { fractions.append(fraction) }
        if let score = analysis.score {
            scores.append(score)
            if let sigma { scoredSigmas.append(sigma) }
        }
        if let truth {
            let ok = analysis.state == .ok
            for (cell, isBlurred) in truth.blurred.enumerated() {
                let predicted = ok && analysis.map.probability[cell] >= BlurMap.blurredThreshold
                let hit = predicted && isBlurred ? 1 : 0, covered = predicted || isBlurred ? 1 : 0
                intersection += hit
                union += covered
                if truth.textured[cell] {
                    texturedIntersection += hit
                    texturedUnion += covered
                }
            }
        }
    }

    func result() -> RobustnessCaseResult {
        let focus = testCase.kind == .focus && scoredSigmas.count == scores.count
            ? SpearmanCorrelation.rho(scoredSigmas, scores.map { 1 - $0 }) : nil
        return RobustnessCaseResult(
            method: method, name: testCase.name, kind: testCase.kind.rawValue, frames: frames, noTextureFrames: noTexture,
            meanBlurredFraction: fractions.isEmpty ? nil : fractions.reduce(0, +) / Double(fractions.count),
            maxBlurredFraction: fractions.max(),
            meanScore: scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count),
            minScore: scores.min(),
            regionIoU: testCase.kind == .region && union > 0 ? Double(intersection) / Double(union) : nil,
            texturedRegionIoU: testCase.kind == .region && texturedUnion > 0
                ? Double(texturedIntersection) / Double(texturedUnion) : nil,
            focusSpearman: focus)
    }
}
