extension NetworkSpec {
    /// blurseg-v3: blurseg-v1's trunk with an image-level context branch and a blur-type head.
    ///
    /// - Context: the ⅛-resolution features after the dilated stack are averaged over the whole
    ///   frame (`gap`), passed through two 1×1 convs (an FC layer on a 1×1 map) and added to
    ///   every cell, so smooth content (haze, plain walls, night sky) is judged with the rest of
    ///   the scene. The vector is frame-level: tiled inference computes it once per frame.
    /// - Heads (channels of the output): 0 `blur` logit (blurseg-v1's head), 1 `motion` logit
    ///   (P(motion | blurred)), 2–3 `angle` (cos 2θ, sin 2θ), 4 `angle_confidence` logit; the
    ///   type head is a 3×3 conv of its own on the features that feed the blur logit.
    ///
    /// Every layer of blurseg-v1 is here in the same order with the same shape, so its weights
    /// transfer one to one (`WeightTransfer`); the context's last conv then starts at zero and
    /// the net starts as exactly blurseg-v1's blur map.
    public static let blurSegV3 = NetworkSpec(name: "blurseg-v3", inChannels: 1, layers: [
        .conv(16, s: 2),
        .conv(16, s: 2),
        .conv(24, save: "q4"),
        .conv(32, s: 2),
        .conv(32, d: 2),
        .conv(32, d: 4),
        .conv(32, d: 8, save: "deep"),
        .globalAveragePool(),
        .conv(32, k: 1),
        .conv(32, k: 1, act: .none),
        .add(with: "deep", act: .relu),
        .up(to: "q4"),
        .concat(with: "q4"),
        .conv(16, save: "features"),
        .conv(16),
        .conv(4, k: 1, act: .none, save: "type"),
        .conv(1, k: 1, act: .none, from: "features"),
        .concat(with: "type"),
    ], heads: [
        OutputHead(name: OutputHead.blur, channel: 0, kind: .logit),
        OutputHead(name: OutputHead.motion, channel: 1, kind: .logit),
        OutputHead(name: OutputHead.angle, channel: 2, count: 2, kind: .linear),
        OutputHead(name: OutputHead.angleConfidence, channel: 4, kind: .logit),
    ])
}

extension NetworkSpec {
    /// The architectures `blurd train --net` starts, by name.
    public static let trainable: [String: NetworkSpec] = [
        blurSegDefault.name: blurSegDefault,
        blurSegV3.name: blurSegV3,
    ]
}
