/// The architecture of a fully-convolutional segmentation net, as an ordered list of layers.
///
/// The same description drives training, the model file and inference, and it is a superset
/// of the JSON spec read by `shared/bench/engine_anchor.py`, so blurd's net can be timed on
/// ONNX Runtime and OpenVINO exactly as blurd runs it.
public struct NetworkSpec: Codable, Sendable, Equatable {
    public var name: String
    /// Channels of the input tensor (1: luma).
    public var inChannels: Int
    public var layers: [LayerSpec]

    public init(name: String, inChannels: Int, layers: [LayerSpec]) {
        self.name = name
        self.inChannels = inChannels
        self.layers = layers
    }

    enum CodingKeys: String, CodingKey {
        case name
        case inChannels = "in_ch"
        case layers
    }
}

/// Activation applied after a convolution.
public enum Activation: String, Codable, Sendable {
    case none, relu, sigmoid
}

/// One layer. Layers run in order; `save` names a layer's output so later `up`/`concat` layers
/// can refer to it.
public struct LayerSpec: Codable, Sendable, Equatable {
    public enum Op: String, Codable, Sendable {
        /// 2-D convolution with "same" padding (pad = d * (k - 1) / 2), bias, then `act`.
        case conv
        /// Bilinear resize (half-pixel centres) to the spatial size of saved tensor `to`.
        case up
        /// Channel concatenation: current tensor first, then saved tensor `with`.
        case concat
    }

    public var op: Op
    public var out: Int?
    public var k: Int?
    public var s: Int?
    public var d: Int?
    public var act: Activation?
    public var save: String?
    public var to: String?
    public var with: String?

    public init(op: Op, out: Int? = nil, k: Int? = nil, s: Int? = nil, d: Int? = nil,
                act: Activation? = nil, save: String? = nil, to: String? = nil, with: String? = nil) {
        self.op = op; self.out = out; self.k = k; self.s = s; self.d = d
        self.act = act; self.save = save; self.to = to; self.with = with
    }

    public static func conv(_ out: Int, k: Int = 3, s: Int = 1, d: Int = 1, act: Activation = .relu,
                            save: String? = nil) -> LayerSpec {
        LayerSpec(op: .conv, out: out, k: k, s: s, d: d, act: act, save: save)
    }

    public static func up(to name: String) -> LayerSpec { LayerSpec(op: .up, to: name) }
    public static func concat(with name: String) -> LayerSpec { LayerSpec(op: .concat, with: name) }

    public var kernel: Int { k ?? 3 }
    public var stride: Int { s ?? 1 }
    public var dilation: Int { d ?? 1 }
    public var activation: Activation { act ?? .relu }
}

extension NetworkSpec {
    /// blurd's default segmentation net: luma in, blur probability out at ¼ resolution.
    ///
    /// Four stride-2 stages then dilated 3×3 convolutions give a receptive field of 255 px
    /// (context decides whether a flat region is blurred) for about 0.7 GFLOP per 640×360 frame;
    /// a skip from the ¼-resolution features keeps mask edges sharp. The last conv has no
    /// activation: it emits logits, and the sigmoid is applied by the caller (loss or analyzer).
    public static let blurSegDefault = NetworkSpec(name: "blurseg-v1", inChannels: 1, layers: [
        .conv(16, s: 2),
        .conv(16, s: 2),
        .conv(24, save: "q4"),
        .conv(32, s: 2),
        .conv(32, d: 2),
        .conv(32, d: 4),
        .conv(32, d: 8),
        .up(to: "q4"),
        .concat(with: "q4"),
        .conv(16),
        .conv(1, k: 1, act: .none),
    ])
}
