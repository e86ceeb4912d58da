import BlurdCore
import BlurdMedia
import BlurdAnalysis

/// Runs analysis methods over every clip of a robustness set, frame by frame, as `blurd
/// analyze` would (same decoder, same analysis size), and scores each case by its kind.
public enum RobustnessEvaluator {
    /// Results in case order, methods in the given order within each case. `progress` hears
    /// each case name before it is scored.
    public static func evaluate(cases: [RobustnessCase], methods: [RobustnessMethod], analysisLongSide: Int = VideoSourceOptions.defaultAnalysisLongSide,
                                progress: (String) -> Void = { _ in }) throws -> [RobustnessCaseResult] {
        let analyzers = try methods.map { try $0.makeAnalyzer() }
        var results: [RobustnessCaseResult] = []
        for testCase in cases {
            progress(testCase.name)
            let mask = try testCase.mask.map { try ImageFile.loadGray($0) }
            var accumulators = methods.map { RobustnessCaseAccumulator(method: $0.name, testCase: testCase) }
            // Ground truth per map grid size, computed once per case.
            var truths: [Int: [Bool]] = [:]
            let gate = TextureGate()
            var options = VideoSourceOptions(url: testCase.video)
            options.analysisLongSide = analysisLongSide
            let source = try VideoSource(options: options)
            var luma = GrayImage(width: 0, height: 0)
            while let meta = try source.nextFrame(into: &luma) {
                var sigma: Double?
                if let sigmas = testCase.sigmas {
                    guard meta.index < sigmas.count else {
                        throw RobustnessError.evaluation("\(testCase.name): frame \(meta.index) has no sigma in the schedule (\(sigmas.count) rows)")
                    }
                    sigma = sigmas[meta.index]
                }
                let grid = TileGrid(imageWidth: luma.width, imageHeight: luma.height)
                let texture = mask == nil ? nil : gate.measure(luma, grid: grid)
                for (index, analyzer) in analyzers.enumerated() {
                    let analysis = try analyzer.analyze(luma)
                    var truth: (blurred: [Bool], textured: [Bool])?
                    if let mask, let texture {
                        let key = analysis.map.width << 32 | analysis.map.height
                        if truths[key] == nil {
                            truths[key] = MaskGridTruth.cells(mask: mask, gridWidth: analysis.map.width,
                                                              gridHeight: analysis.map.height)
                        }
                        truth = (truths[key]!, MaskGridTruth.texturedCells(texture, grid: grid, gridWidth: analysis.map.width,
                                                                          gridHeight: analysis.map.height))
                    }
                    accumulators[index].add(analysis, truth: truth, sigma: sigma)
                }
            }
            guard source.stats.framesDecoded > 0 else {
                throw RobustnessError.evaluation("\(testCase.name): \(testCase.video) decoded no frame")
            }
            results += accumulators.map { $0.result() }
        }
        return results
    }
}
