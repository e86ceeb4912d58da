/// The activation range a calibrated u8 tensor must cover, from the values a convolution
/// produced on the calibration inputs.
///
/// The upper end is a high percentile rather than the maximum: a handful of outliers would
/// otherwise stretch the scale and cost every other value resolution. The percentile is read
/// off a 4096-bin histogram, which keeps calibration linear in the number of values.
enum QuantizedCalibration {
    static func range(of values: [Float], percentile: Double, nonNegative: Bool) -> (low: Float, high: Float) {
        guard let smallest = values.min(), let largest = values.max() else { return (0, 0) }
        let high = largest > 0 ? quantile(values, percentile / 100, limit: largest) : 0
        let low: Float = nonNegative || smallest >= 0 ? 0 : -quantile(values.map { -$0 }, percentile / 100, limit: -smallest)
        return (low, high)
    }

    /// The value below which `fraction` of `values` lie, searched on (0, limit].
    private static func quantile(_ values: [Float], _ fraction: Double, limit: Float) -> Float {
        let bins = 4096
        var histogram = [Int](repeating: 0, count: bins)
        var below = 0
        let perBin = Float(bins) / limit
        for v in values {
            if v <= 0 { below += 1; continue }
            histogram[min(bins - 1, Int(v * perBin))] += 1
        }
        let wanted = Int((fraction * Double(values.count)).rounded(.up))
        var count = below
        for (i, n) in histogram.enumerated() {
            count += n
            if count >= wanted { return Float(i + 1) / perBin }
        }
        return limit
    }
}
