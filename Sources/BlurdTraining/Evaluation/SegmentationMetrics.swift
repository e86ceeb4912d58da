/// The blur-segmentation scores of one method on one dataset, pooled over every pixel.
///
/// "Positive" means blurred. Precision, recall, F-measure, IoU and accuracy are taken on the
/// probability map binarised at `threshold`; MAE and average precision use the map itself.
public struct SegmentationMetrics: Codable, Sendable, Equatable {
    /// β² of the F-measure; 0.3 is the blur-detection and saliency literature's convention.
    public static let fBetaSquared = 0.3

    public var precision: Double
    public var recall: Double
    /// (1 + β²)·P·R / (β²·P + R) with β² = 0.3.
    public var fMeasure: Double
    /// Intersection over union of the blurred class.
    public var iou: Double
    /// Mean absolute difference between the probability map and the 0/1 ground truth.
    public var mae: Double
    /// Area under the precision-recall curve over all thresholds of the map:
    /// Σ (Rₖ − Rₖ₋₁)·Pₖ over distinct thresholds, highest first.
    public var averagePrecision: Double
    public var accuracy: Double
    /// Pixels compared.
    public var pixels: Int
    /// The binarisation threshold used for the counted metrics.
    public var threshold: Double

    public init(precision: Double, recall: Double, fMeasure: Double, iou: Double, mae: Double,
                averagePrecision: Double, accuracy: Double, pixels: Int, threshold: Double) {
        self.precision = precision; self.recall = recall; self.fMeasure = fMeasure; self.iou = iou
        self.mae = mae; self.averagePrecision = averagePrecision; self.accuracy = accuracy
        self.pixels = pixels; self.threshold = threshold
    }
}

/// Counts of a binary prediction against a binary ground truth.
public struct ConfusionCounts: Sendable, Equatable {
    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0
    public var trueNegatives = 0

    public init() {}

    public var total: Int { truePositives + falsePositives + falseNegatives + trueNegatives }

    /// TP / (TP + FP); with no predicted positive, 1 if there was nothing to find, else 0.
    public var precision: Double {
        let predicted = truePositives + falsePositives
        if predicted == 0 { return falseNegatives == 0 ? 1 : 0 }
        return Double(truePositives) / Double(predicted)
    }

    /// TP / (TP + FN); with no positive in the truth, 1 (nothing was missed).
    public var recall: Double {
        let actual = truePositives + falseNegatives
        if actual == 0 { return 1 }
        return Double(truePositives) / Double(actual)
    }

    /// Weighted harmonic mean of precision and recall; 0 when both are 0.
    public func fMeasure(betaSquared: Double = SegmentationMetrics.fBetaSquared) -> Double {
        let p = precision, r = recall
        let denominator = betaSquared * p + r
        return denominator == 0 ? 0 : (1 + betaSquared) * p * r / denominator
    }

    /// TP / (TP + FP + FN); 1 when both prediction and truth are empty.
    public var iou: Double {
        let union = truePositives + falsePositives + falseNegatives
        return union == 0 ? 1 : Double(truePositives) / Double(union)
    }

    public var accuracy: Double {
        total == 0 ? 0 : Double(truePositives + trueNegatives) / Double(total)
    }
}
