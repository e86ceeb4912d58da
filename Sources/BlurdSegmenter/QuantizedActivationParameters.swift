/// How the u8 values of one activation map to reals, per channel: real = (q − zeroPoint) · scale.
///
/// Convolution outputs have one scale and one integer zero point for all channels (per-tensor,
/// from calibration; 0 after ReLU). The network input (normalised luma) has a fractional zero
/// point, 255 · mean, and a concat keeps the parameters of both halves: the consuming
/// convolution folds per-channel scales into its weights and zero points into its bias, so a
/// concat of differently scaled tensors needs no requantizing pass.
struct QuantizedActivationParameters: Sendable, Equatable {
    var scales: [Float]
    var zeroPoints: [Float]

    init(scales: [Float], zeroPoints: [Float]) {
        precondition(scales.count == zeroPoints.count, "one scale and zero point per channel")
        self.scales = scales
        self.zeroPoints = zeroPoints
    }

    init(channels: Int, scale: Float, zeroPoint: Float) {
        self.init(scales: [Float](repeating: scale, count: channels), zeroPoints: [Float](repeating: zeroPoint, count: channels))
    }

    var channels: Int { scales.count }

    /// The u8 value standing for real 0, used to pad a convolution's input.
    var paddingValues: [UInt8] { zeroPoints.map { UInt8(max(0, min(255, $0.rounded()))) } }

    static func + (lhs: Self, rhs: Self) -> Self {
        Self(scales: lhs.scales + rhs.scales, zeroPoints: lhs.zeroPoints + rhs.zeroPoints)
    }

    /// Parameters covering [low, high] of a calibrated activation with an integer zero point
    /// (so ReLU's clamp at real 0 is exact); a range that does not reach 0 is widened to it.
    static func covering(low: Float, high: Float, channels: Int) -> Self {
        let lo = min(low, 0), hi = max(high, 0)
        let scale = hi > lo ? (hi - lo) / 255 : 1
        return Self(channels: channels, scale: scale, zeroPoint: (-lo / scale).rounded())
    }
}
