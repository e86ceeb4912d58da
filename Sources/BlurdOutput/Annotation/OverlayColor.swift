/// A colour as limited-range BT.601 Y′CbCr bytes, the form the annotated frame is drawn in.
public struct OverlayColor: Sendable, Equatable {
    public var y: UInt8
    public var u: UInt8
    public var v: UInt8

    public init(y: UInt8, u: UInt8, v: UInt8) {
        self.y = y
        self.u = u
        self.v = v
    }

    /// From R′G′B′ in [0, 1].
    public init(red: Double, green: Double, blue: Double) {
        func byte(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }
        y = byte(16 + 65.481 * red + 128.553 * green + 24.966 * blue)
        u = byte(128 - 37.797 * red - 74.203 * green + 112 * blue)
        v = byte(128 + 112 * red - 93.786 * green - 18.214 * blue)
    }

    public static let white = OverlayColor(y: 235, u: 128, v: 128)
    public static let panel = OverlayColor(y: 24, u: 128, v: 128)

    /// The blur overlay's colour for a probability byte ≥ 128: yellow at 0.5 through orange to
    /// red at 1.
    public static func blur(probability: UInt8) -> OverlayColor {
        let strength = Double(max(Int(probability), 128) - 128) / 127
        return OverlayColor(red: 1, green: 1 - strength, blue: 0)
    }

    /// The motion-blur overlay's colour for a probability byte ≥ 128 (models with blur-type
    /// heads): cyan at 0.5 to blue at 1, far from defocus's yellow to red.
    public static func motionBlur(probability: UInt8) -> OverlayColor {
        let strength = Double(max(Int(probability), 128) - 128) / 127
        return OverlayColor(red: 0, green: 1 - 0.7 * strength, blue: 1)
    }

    /// The gauge's colour for a sharpness score: red at 0, yellow at 0.5, green at 1.
    public static func gauge(score: Double) -> OverlayColor {
        let clamped = min(1, max(0, score))
        return clamped < 0.5 ? OverlayColor(red: 1, green: clamped * 2, blue: 0)
                             : OverlayColor(red: 2 - clamped * 2, green: 0.8, blue: 0)
    }
}
