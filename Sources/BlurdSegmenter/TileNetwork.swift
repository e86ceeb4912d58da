/// What `Segmenter` needs from the network that runs one tile: fp32 `Network` and int8
/// `QuantizedNetwork` both conform, so the tiling is written once.
public protocol TileNetwork: AnyObject {
    /// The architecture the network runs (tiling geometry is derived from it).
    var spec: NetworkSpec { get }
    /// The net's output (after the spec's last activation) for a normalised input [n, c, h, w].
    func forward(_ input: Tensor) -> Tensor
}

extension Network: TileNetwork {
    public func forward(_ input: Tensor) -> Tensor { forward(input, training: false) }
}
