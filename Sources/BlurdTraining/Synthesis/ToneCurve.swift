/// The deterministic part of a camera's exposure chain, applied to a whole frame: scene
/// darkening (`gain` < 1), the camera's amplification back, and a levels adjustment
/// (`contrast` about mid-grey, then `brightness`, as FFmpeg's `eq` filter does) that crushes
/// the blacks of a night scene. Sensor noise enters between gain and amplification
/// (`VideoDegradation.sensor`); this curve is the noise-free path, which is what
/// `BlurObservability` compares layers through.
public struct ToneCurve: Sendable, Equatable {
    public var gain: Float
    public var amplification: Float
    public var contrast: Float
    public var brightness: Float

    public init(gain: Float = 1, amplification: Float = 1, contrast: Float = 1, brightness: Float = 0) {
        self.gain = gain
        self.amplification = amplification
        self.contrast = contrast
        self.brightness = brightness
    }

    /// The exposed value of a scene value in [0, 1].
    @inlinable public func apply(_ value: Float) -> Float {
        levels(min(max(value * gain * amplification, 0), 1))
    }

    /// The levels step alone, on an exposed value.
    @inlinable public func levels(_ value: Float) -> Float {
        min(max((value - 0.5) * contrast + 0.5 + brightness, 0), 1)
    }
}
