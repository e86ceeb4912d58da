import Foundation
import BlurdCore

/// One method's scores on one dataset.
public struct MethodEvaluation: Codable, Sendable, Equatable {
    public var method: String
    public var images: Int
    public var metrics: SegmentationMetrics
    /// Mean wall time of the method per image (excluding loading and scoring).
    public var millisecondsPerImage: Double
}

/// An image to score a method on, with its ground truth (true = blurred) at the image's size.
public struct EvaluationItem {
    public var name: String
    public var luma: GrayImage
    public var truth: [Bool]

    public init(name: String, luma: GrayImage, truth: [Bool]) {
        self.name = name
        self.luma = luma
        self.truth = truth
    }
}

/// Runs every method on every item and pools the metrics per method.
public enum MethodEvaluator {
    /// `items(i)` loads item i of `count` lazily, so large datasets are never all in memory.
    public static func evaluate(count: Int, methods: [BlurProbabilityMethod], threshold: Float = 0.5,
                                items: (Int) throws -> EvaluationItem) throws -> [MethodEvaluation] {
        guard count > 0 else { throw EvaluationError.dataset("nothing to evaluate") }
        guard !methods.isEmpty else { throw EvaluationError.method("no method selected") }
        var accumulators = methods.map { _ in MetricsAccumulator(threshold: threshold) }
        var seconds = [Double](repeating: 0, count: methods.count)
        for index in 0..<count {
            let item = try items(index)
            guard item.truth.count == item.luma.width * item.luma.height else {
                throw EvaluationError.sizeMismatch("\(item.name): image \(item.luma.width)×\(item.luma.height), mask has \(item.truth.count) pixels")
            }
            for (m, method) in methods.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                let map = try method.probabilities(item.luma)
                seconds[m] += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
                let full = ProbabilityMapResampling.bilinear(map, width: item.luma.width, height: item.luma.height)
                try accumulators[m].add(probability: full.pixels, truth: item.truth)
            }
        }
        return methods.indices.map { m in
            MethodEvaluation(method: methods[m].name, images: count, metrics: accumulators[m].metrics,
                             millisecondsPerImage: seconds[m] * 1000 / Double(count))
        }
    }
}
