/// A named run of channels of a net's output and how to read it, so one output tensor can carry
/// several per-cell answers (blur, blur type, motion direction, …).
///
/// A spec without heads has one, `blur` in channel 0. Names blurd reads: `blur` (logit or
/// probability of "blurred"), `motion` (logit of P(motion | blurred), against defocus),
/// `angle` (two linear channels, cos 2θ then sin 2θ of the motion's smear direction θ,
/// 0 = horizontal, counter-clockwise on screen) and `angle_confidence` (logit of "the motion
/// has one main direction"). Other names are carried along and ignored.
public struct OutputHead: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Apply a sigmoid to read a probability.
        case logit
        /// Already a probability in [0, 1].
        case probability
        /// A plain number (regression).
        case linear
    }

    public var name: String
    /// First channel of the head in the last layer's output.
    public var channel: Int
    /// Number of channels (1 when absent).
    public var count: Int?
    public var kind: Kind

    public init(name: String, channel: Int, count: Int = 1, kind: Kind) {
        self.name = name
        self.channel = channel
        self.count = count == 1 ? nil : count
        self.kind = kind
    }

    public var channels: Range<Int> { channel..<(channel + (count ?? 1)) }

    /// Head names blurd knows.
    public static let blur = "blur", motion = "motion", angle = "angle", angleConfidence = "angle_confidence"
}

extension NetworkSpec {
    /// The spec's heads, or the implicit single `blur` head of version-1 specs (a logit, or a
    /// probability when the last layer ends in a sigmoid).
    public var resolvedHeads: [OutputHead] {
        if let heads { return heads }
        let probability = layers.last?.activation == .sigmoid
        return [OutputHead(name: OutputHead.blur, channel: 0, kind: probability ? .probability : .logit)]
    }

    /// The head called `name`, if the spec has one.
    public func head(_ name: String) -> OutputHead? { resolvedHeads.first { $0.name == name } }
}
