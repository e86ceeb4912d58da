import BlurdCore

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
    /// What the channels of the last layer's output mean (`OutputHead`); nil: one blur logit
    /// (or probability, after a final sigmoid) in channel 0, as every version-1 model file.
    public var heads: [OutputHead]?

    public init(name: String, inChannels: Int, layers: [LayerSpec], heads: [OutputHead]? = nil) {
        self.name = name
        self.inChannels = inChannels
        self.layers = layers
        self.heads = heads
    }

    enum CodingKeys: String, CodingKey {
        case name
        case inChannels = "in_ch"
        case layers
        case heads
    }
}

/// The limits of a spec's numbers, checked by `validate()` before any is multiplied: each is
/// far beyond blurd's own nets (docs/MODEL_FORMAT.md), and together they keep every derived
/// size, receptive field and tensor element count well inside Int.
extension NetworkSpec {
    /// Channels of the input and of every layer's output.
    public static let channelsRange = ValueRange<Int>(1...4096)
    /// Number of layers.
    public static let layerCountRange = ValueRange<Int>(1...1000)
    /// Kernel side `k` of conv and pooling layers.
    public static let kernelRange = ValueRange<Int>(1...31)
    /// Stride `s` of conv and pooling layers.
    public static let strideRange = ValueRange<Int>(1...16)
    /// Dilation `d` of conv layers.
    public static let dilationRange = ValueRange<Int>(1...64)
    /// Input pixels per pixel of any layer's output (the product of the strides so far).
    public static let maximumTotalStride = 4096
}

/// Activation applied at the end of a `conv`, `bn` or `add` layer.
public enum Activation: String, Codable, Sendable {
    case none, relu
    /// max(x, alpha·x) with the layer's `alpha` (0.01 when absent).
    case leaky
    case sigmoid
    /// Softmax across channels, independently at every pixel.
    case softmax
}

/// Interpolation of an `up` layer.
public enum UpsampleMode: String, Codable, Sendable {
    /// Half-pixel centres, align_corners = false (PyTorch `bilinear`, ONNX `half_pixel`).
    case bilinear
    /// Source index floor((i + 0.5) · in / out) (PyTorch `nearest-exact`).
    case nearest
}

/// One layer. Layers run in order; `save` names a layer's output so later `up`/`concat`/`add`
/// layers can refer to it.
public struct LayerSpec: Codable, Sendable, Equatable {
    public enum Op: String, Codable, Sendable {
        /// 2-D convolution with "same" padding (pad = d * (k - 1) / 2), `g` groups, bias, then `act`.
        case conv
        /// Batch norm with running statistics (a per-channel affine map), then `act`.
        case bn
        /// Max pooling over k×k windows with stride s and padding (k - 1) / 2; padding never wins.
        case maxpool
        /// Average pooling like `maxpool`; the average is over the in-image part of the window.
        case avgpool
        /// Resize (`mode`, bilinear by default) to the spatial size of saved tensor `to`.
        case up
        /// Channel concatenation: current tensor first, then saved tensor `with`.
        case concat
        /// Element-wise sum of the current tensor and saved tensor `with`, then `act`. When one
        /// of the two is frame-level (see `gap`) and the other is not, the frame-level one is
        /// broadcast to every pixel of the other.
        case add
        /// Global average pooling: every channel's mean over the whole frame, a 1×1 output. It
        /// and every layer computed from it alone are *frame-level*: one vector per frame, which
        /// tiled inference computes once over the whole frame and gives to every tile.
        case gap
    }

    public var op: Op
    public var out: Int?
    public var k: Int?
    public var s: Int?
    public var d: Int?
    /// Convolution groups (1 when absent; equal to the input channels for depthwise).
    public var g: Int?
    public var act: Activation?
    /// Negative slope of `leaky`.
    public var alpha: Float?
    /// Variance epsilon of `bn` (1e-5 when absent).
    public var eps: Float?
    public var mode: UpsampleMode?
    public var save: String?
    public var to: String?
    public var with: String?
    /// The saved tensor this layer reads instead of the previous layer's output (a branch of
    /// the graph); nil: the previous layer's output (the network input for layer 0).
    public var from: String?

    public init(op: Op, out: Int? = nil, k: Int? = nil, s: Int? = nil, d: Int? = nil, g: Int? = nil,
                act: Activation? = nil, alpha: Float? = nil, eps: Float? = nil, mode: UpsampleMode? = nil,
                save: String? = nil, to: String? = nil, with: String? = nil, from: String? = nil) {
        self.op = op; self.out = out; self.k = k; self.s = s; self.d = d; self.g = g
        self.act = act; self.alpha = alpha; self.eps = eps; self.mode = mode
        self.save = save; self.to = to; self.with = with; self.from = from
    }

    public static func conv(_ out: Int, k: Int = 3, s: Int = 1, d: Int = 1, groups: Int = 1,
                            act: Activation = .relu, save: String? = nil, from: String? = nil) -> LayerSpec {
        LayerSpec(op: .conv, out: out, k: k, s: s, d: d, g: groups == 1 ? nil : groups, act: act, save: save, from: from)
    }

    public static func globalAveragePool(save: String? = nil) -> LayerSpec { LayerSpec(op: .gap, save: save) }

    public static func batchNorm(act: Activation = .none, save: String? = nil) -> LayerSpec {
        LayerSpec(op: .bn, act: act, save: save)
    }

    public static func maxPool(k: Int = 2, s: Int = 2, save: String? = nil) -> LayerSpec {
        LayerSpec(op: .maxpool, k: k, s: s, save: save)
    }

    public static func avgPool(k: Int = 2, s: Int = 2, save: String? = nil) -> LayerSpec {
        LayerSpec(op: .avgpool, k: k, s: s, save: save)
    }

    public static func up(to name: String, mode: UpsampleMode = .bilinear) -> LayerSpec {
        LayerSpec(op: .up, mode: mode == .bilinear ? nil : mode, to: name)
    }

    public static func concat(with name: String) -> LayerSpec { LayerSpec(op: .concat, with: name) }

    public static func add(with name: String, act: Activation = .none, save: String? = nil) -> LayerSpec {
        LayerSpec(op: .add, act: act, save: save, with: name)
    }

    public var kernel: Int { k ?? (op == .conv ? 3 : 2) }
    public var stride: Int { s ?? (op == .conv ? 1 : 2) }
    public var dilation: Int { d ?? 1 }
    public var groups: Int { g ?? 1 }
    /// ReLU for `conv` when absent, no activation for every other op.
    public var activation: Activation { act ?? (op == .conv ? .relu : .none) }
    public var leakySlope: Float { alpha ?? 0.01 }
    public var epsilon: Float { eps ?? 1e-5 }
    public var upsampleMode: UpsampleMode { mode ?? .bilinear }
}

extension NetworkSpec {
    /// blurd's default segmentation net: luma in, blur probability out at ¼ resolution.
    ///
    /// Three stride-2 stages then dilated 3×3 convolutions give a receptive field of 263 px
    /// (context decides whether a flat region is blurred) for about 0.66 GFLOP per 640×360 frame;
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
