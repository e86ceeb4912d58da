import BlurdSegmenter

/// Where a net's output keeps the blur-type answers (`OutputHead`): nil for nets without a
/// `motion` head (blurseg-v1), which train and validate on the blur map alone.
public struct TypeHeadLayout: Sendable, Equatable {
    public let blur: Int
    public let motion: Int
    /// cos 2θ, then sin 2θ.
    public let angle: Int
    public let angleConfidence: Int
    public let channels: Int

    public init?(spec: NetworkSpec, channels: Int) {
        guard let blur = spec.head(OutputHead.blur), let motion = spec.head(OutputHead.motion),
              let angle = spec.head(OutputHead.angle), angle.channels.count == 2,
              let confidence = spec.head(OutputHead.angleConfidence) else { return nil }
        self.blur = blur.channel
        self.motion = motion.channel
        self.angle = angle.channel
        self.angleConfidence = confidence.channel
        self.channels = channels
    }
}
