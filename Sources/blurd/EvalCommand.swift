import ArgumentParser
import Foundation
import BlurdCore
import BlurdMedia
import BlurdAnalysis
import BlurdSegmenter
import BlurdTraining

/// `blurd eval`: precision, recall, F0.3, MAE, IoU, AP and accuracy of blur masks against ground truth.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score blur masks against ground truth (a mask dataset or held-out synthetic samples).",
        discussion: """
        Dataset mode: --images DIR --masks DIR, files matched by name without extension; masks \
        may be PNG, JPEG, BMP or PGM and are binarised at 128 (--blurred-value says whether white \
        or black means blurred). Synthetic mode: --synthetic N samples from the held-out photographs. \
        Each method's probability map is resampled (bilinear) to the mask size; pixels are pooled \
        over the dataset. F-measure uses β² = 0.3. Robustness mode: --robustness DIR runs the \
        analyzers (texture gate, map, score) over the clips of DIR/cases.csv \
        (scripts/make-robustness-set.sh) and prints per-case figures and the issue-8 targets.
        """)

    @Option(help: "Folder of images.")
    var images: String?
    @Option(help: "Folder of ground-truth masks with the same names.")
    var masks: String?
    @Option(help: "Mask value that means blurred: 255 (white) or 0 (black).")
    var blurredValue: UInt8 = 255
    @Option(help: "Evaluate on N synthetic samples from the held-out photographs instead of a dataset.")
    var synthetic: Int?
    @Option(help: "Score the analyzers on a robustness set (a folder with cases.csv) instead.")
    var robustness: String?
    @Option(help: "Analysis size of --robustness: long side in pixels.")
    var size = VideoSourceOptions.defaultAnalysisLongSide
    @Option(help: "Photographs for --synthetic (its validation split is used).")
    var photos = "data/photos"
    @Option(help: "Crop side of --synthetic samples, in pixels.")
    var crop = 256
    @Option(help: "Seed of the --synthetic samples.")
    var seed: UInt64 = 1
    @Option(help: "Comma-separated methods: cnn-fp32, cnn-int8, classic.")
    var methods = "cnn-fp32,cnn-int8,classic"
    @Option(help: "Model file for the cnn methods (default: the model built into blurd).")
    var model: String?
    @Option(help: "Probability at or above which a pixel counts as blurred.")
    var threshold: Float = 0.5
    @Option(help: "Threads of the cnn methods.")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Print JSON instead of the table.")
    var json = false

    func validate() throws {
        let datasetMode = images != nil || masks != nil
        if [datasetMode, synthetic != nil, robustness != nil].filter({ $0 }).count != 1 {
            throw ValidationError("give either --images and --masks, or --synthetic N, or --robustness DIR")
        }
        try DeveloperOptionRanges.check("--size", size, VideoSourceOptions.analysisLongSideRange)
        try DeveloperOptionRanges.check("--crop", crop, DeveloperOptionRanges.frameSide)
        if datasetMode && (images == nil || masks == nil) { throw ValidationError("--images and --masks go together") }
        if let synthetic { try DeveloperOptionRanges.check("--synthetic", synthetic, DeveloperOptionRanges.count) }
        guard blurredValue == 0 || blurredValue == 255 else { throw ValidationError("--blurred-value is 255 or 0") }
        guard threshold > 0, threshold < 1 else { throw ValidationError("--threshold must be in (0, 1)") }
        try DeveloperOptionRanges.check("--threads", threads, DeveloperOptionRanges.threads)
    }

    func run() throws {
        BLAS.setThreads(1)
        if let robustness { return try runRobustness(directory: robustness) }
        let selected = try makeMethods()
        let report: EvaluationReport
        if let count = synthetic {
            let factory = try SynthesisSampleSources.factory(photosDirectory: photos, cropSize: crop)
            let source = try factory(.validation, SeedMixing.mix(seed, EvalCommand.syntheticStream))
            let results = try MethodEvaluator.evaluate(count: count, methods: selected, threshold: threshold) { index in
                let sample = source()
                return EvaluationItem(name: "synthetic-\(index)", luma: sample.image.toGray(),
                                      truth: sample.mask.pixels.map { $0 >= 0.5 })
            }
            report = EvaluationReport(dataset: "synthetic held-out (\(photos), validation split, \(crop) px, seed \(seed))",
                                      images: count, threshold: Double(threshold), results: results)
        } else {
            let (pairs, unmatched) = try EvaluationDataset.pairs(images: images!, masks: masks!)
            if !unmatched.isEmpty {
                FileHandle.standardError.write("note: \(unmatched.count) file(s) without a partner skipped: \(unmatched.prefix(5).joined(separator: ", "))\n".data(using: .utf8)!)
            }
            let results = try MethodEvaluator.evaluate(count: pairs.count, methods: selected, threshold: threshold) { index in
                let pair = pairs[index]
                let luma = try ImageFile.loadGray(pair.imagePath)
                let mask = try ImageFile.loadGray(pair.maskPath)
                guard mask.width == luma.width, mask.height == luma.height else {
                    throw EvaluationError.sizeMismatch("\(pair.name): image \(luma.width)×\(luma.height), mask \(mask.width)×\(mask.height)")
                }
                return EvaluationItem(name: pair.name, luma: luma,
                                      truth: EvaluationDataset.truth(mask: mask.pixels, blurredValue: blurredValue))
            }
            report = EvaluationReport(dataset: "images \(images!), masks \(masks!) (blurred = \(blurredValue))",
                                      images: pairs.count, threshold: Double(threshold), results: results)
        }
        print(json ? try report.json() : report.table)
    }

    private func runRobustness(directory: String) throws {
        let cases = try RobustnessManifest.read(directory: directory)
        let names = methods.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else { throw ValidationError("--methods is empty") }
        let modelFile = try model.map { try ModelFile.read(contentsOf: $0) } ?? DefaultModel.load()
        let selected = try names.map { name -> RobustnessMethod in
            switch name {
            case "cnn-fp32", "cnn-int8":
                let configuration = CNNAnalyzer.Configuration(model: modelFile, precision: name == "cnn-fp32" ? .fp32 : .int8,
                                                              threads: threads)
                return RobustnessMethod(name: name) { try CNNAnalyzer(configuration: configuration) }
            case "classic": return RobustnessMethod(name: name) { ClassicAnalyzer() }
            default: throw ValidationError("unknown method \(name) (cnn-fp32, cnn-int8, classic)")
            }
        }
        let results = try RobustnessEvaluator.evaluate(cases: cases, methods: selected, analysisLongSide: size) { name in
            FileHandle.standardError.write(Data("robustness: \(name)\n".utf8))
        }
        let report = RobustnessReport(set: directory, methods: names, results: results)
        print(json ? try report.json() : report.table)
    }

    /// Synthetic evaluation samples come from a stream of their own, apart from training's validation set.
    static let syntheticStream: UInt64 = 0x6576616C

    private func makeMethods() throws -> [BlurProbabilityMethod] {
        let names = methods.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else { throw ValidationError("--methods is empty") }
        var modelFile: ModelFile?
        func loadModel() throws -> ModelFile {
            if let modelFile { return modelFile }
            let loaded = try model.map { try ModelFile.read(contentsOf: $0) } ?? DefaultModel.load()
            modelFile = loaded
            return loaded
        }
        return try names.map { name -> BlurProbabilityMethod in
            switch name {
            case "cnn-fp32": return try SegmenterProbabilityMethod(model: try loadModel(), precision: .fp32, threads: threads)
            case "cnn-int8": return try SegmenterProbabilityMethod(model: try loadModel(), precision: .int8, threads: threads)
            case "classic": return ClassicProbabilityMethod()
            default: throw ValidationError("unknown method \(name) (cnn-fp32, cnn-int8, classic)")
            }
        }
    }
}
