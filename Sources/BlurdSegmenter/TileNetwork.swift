/// What `Segmenter` needs from the network that runs one tile: fp32 `Network` and int8
/// `QuantizedNetwork` both conform, so the tiling is written once.
public protocol TileNetwork: AnyObject {
    /// The architecture the network runs (tiling geometry is derived from it).
    var spec: NetworkSpec { get }
    /// The net's output (after the spec's last activation) for a normalised input [n, c, h, w].
    func forward(_ input: Tensor) -> Tensor
    /// Frame-level context (`NetworkFrameContext`): the number of `gap` layers, fixing their
    /// outputs, and measuring one's input over part of a tile.
    var frameContextCount: Int { get }
    func setFrameContext(_ context: [[Float]])
    func frameContextSum(_ input: Tensor, index: Int, x0: Int, y0: Int, x1: Int, y1: Int) -> (sums: [Double], cells: Int)
}

extension Network: TileNetwork {
    public func forward(_ input: Tensor) -> Tensor { forward(input, training: false) }
}
