import Foundation

/// The result of `blurd eval`: what was evaluated and each method's scores, as a table or JSON.
public struct EvaluationReport: Codable, Sendable {
    /// Where the data came from ("images DIR, masks DIR" or "synthetic held-out, seed S").
    public var dataset: String
    public var images: Int
    public var threshold: Double
    public var fBetaSquared: Double
    public var results: [MethodEvaluation]

    public init(dataset: String, images: Int, threshold: Double, results: [MethodEvaluation]) {
        self.dataset = dataset
        self.images = images
        self.threshold = threshold
        self.fBetaSquared = SegmentationMetrics.fBetaSquared
        self.results = results
    }

    public var table: String {
        var lines = ["dataset: \(dataset) (\(images) images, threshold \(threshold), F with β² = \(fBetaSquared))",
                     "method     precision  recall   F0.3     IoU      MAE      AP       accuracy  ms/image"]
        for result in results {
            let m = result.metrics
            lines.append(String(format: "%@ %-8.4f   %-8.4f %-8.4f %-8.4f %-8.4f %-8.4f %-8.4f  %.1f",
                                result.method.padding(toLength: 10, withPad: " ", startingAt: 0),
                                m.precision, m.recall, m.fMeasure, m.iou, m.mae, m.averagePrecision,
                                m.accuracy, result.millisecondsPerImage))
        }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
