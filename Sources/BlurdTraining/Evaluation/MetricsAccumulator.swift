/// Pools probability maps and ground-truth masks over a dataset into `SegmentationMetrics`.
///
/// Pixels are pooled (micro-averaged) rather than averaged per image, so all-sharp images,
/// whose per-image precision and IoU are undefined, still count. Average precision is taken
/// from two 256-bin histograms of the probability (one per true class), which is exact for
/// 8-bit maps and keeps memory constant however large the dataset is.
public struct MetricsAccumulator: Sendable {
    /// Histogram resolution of the probability for average precision.
    public static let bins = 256

    public let threshold: Float
    public private(set) var counts = ConfusionCounts()
    private var absoluteErrorSum = 0.0
    private var positiveHistogram = [Int](repeating: 0, count: bins)
    private var negativeHistogram = [Int](repeating: 0, count: bins)

    /// `threshold`: a pixel is predicted blurred when its probability is ≥ threshold.
    public init(threshold: Float = 0.5) {
        self.threshold = threshold
    }

    /// Adds one map. `probability` values are clamped to [0, 1]; `truth` is true where blurred.
    public mutating func add(probability: [Float], truth: [Bool]) throws {
        guard probability.count == truth.count else {
            throw EvaluationError.sizeMismatch("probability map has \(probability.count) pixels, mask has \(truth.count)")
        }
        let lastBin = Float(Self.bins - 1)
        for i in 0..<probability.count {
            let p = min(1, max(0, probability[i].isNaN ? 0 : probability[i]))
            let blurred = truth[i]
            let bin = Int((p * lastBin).rounded())
            if blurred {
                positiveHistogram[bin] += 1
                absoluteErrorSum += Double(1 - p)
            } else {
                negativeHistogram[bin] += 1
                absoluteErrorSum += Double(p)
            }
            switch (p >= threshold, blurred) {
            case (true, true): counts.truePositives += 1
            case (true, false): counts.falsePositives += 1
            case (false, true): counts.falseNegatives += 1
            case (false, false): counts.trueNegatives += 1
            }
        }
    }

    /// Merges another accumulator with the same threshold (for parallel evaluation).
    public mutating func merge(_ other: MetricsAccumulator) {
        counts.truePositives += other.counts.truePositives
        counts.falsePositives += other.counts.falsePositives
        counts.falseNegatives += other.counts.falseNegatives
        counts.trueNegatives += other.counts.trueNegatives
        absoluteErrorSum += other.absoluteErrorSum
        for b in 0..<Self.bins {
            positiveHistogram[b] += other.positiveHistogram[b]
            negativeHistogram[b] += other.negativeHistogram[b]
        }
    }

    /// Σ (Rₖ − Rₖ₋₁)·Pₖ, sweeping the threshold down through the occupied bins; 0 without positives.
    public var averagePrecision: Double {
        let positives = positiveHistogram.reduce(0, +)
        guard positives > 0 else { return 0 }
        var truePositives = 0, predicted = 0
        var previousRecall = 0.0, area = 0.0
        for bin in stride(from: Self.bins - 1, through: 0, by: -1) {
            let tp = positiveHistogram[bin], fp = negativeHistogram[bin]
            if tp + fp == 0 { continue }
            truePositives += tp
            predicted += tp + fp
            let recall = Double(truePositives) / Double(positives)
            area += (recall - previousRecall) * Double(truePositives) / Double(predicted)
            previousRecall = recall
        }
        return area
    }

    public var metrics: SegmentationMetrics {
        let total = counts.total
        return SegmentationMetrics(
            precision: counts.precision, recall: counts.recall, fMeasure: counts.fMeasure(),
            iou: counts.iou, mae: total == 0 ? 0 : absoluteErrorSum / Double(total),
            averagePrecision: averagePrecision, accuracy: counts.accuracy,
            pixels: total, threshold: Double(threshold))
    }
}
