/// The frame-level context of a net with `gap` layers, computed once per frame for tiled runs.
///
/// A tile sees only part of the frame, so its own `gap` would average only that part: a tiled
/// frame would differ from an untiled one. `Segmenter` therefore measures each `gap`'s input
/// over the whole frame first, as the sum over every tile's core cells (the cores partition
/// the padded frame, and each core's cells are computed exactly from its halo), then runs the
/// tiles with that mean fixed (`setFrameContext`). A `gap` whose input depends on an earlier
/// `gap` is measured after that one is fixed, one pass per `gap`.
extension Network {
    /// Number of `gap` layers, in layer order.
    public var frameContextCount: Int { plan.contextValues.count }

    /// Fixes the output of the first `context.count` `gap` layers (one value per channel);
    /// the others pool their own input again. Pass [] after the frame.
    public func setFrameContext(_ context: [[Float]]) {
        var k = 0
        for layer in layers {
            guard let pooling = layer as? GlobalPoolingLayer else { continue }
            pooling.context = k < context.count ? context[k] : nil
            k += 1
        }
    }

    /// Runs the net on `input` up to `gap` layer `index` and returns, per channel, the sum of
    /// that layer's input over the cells of the input-pixel rectangle [x0, x1) × [y0, y1)
    /// (edges on multiples of that input's stride), and the number of cells summed.
    public func frameContextSum(_ input: Tensor, index: Int, x0: Int, y0: Int, x1: Int, y1: Int) -> (sums: [Double], cells: Int) {
        let value = plan.contextValues[index]
        let step = plan.steps[value - 1]
        load(input)
        runLayers(count: value - 1)
        let map = values[step.input]
        let stride = plan.valueStrides[step.input]
        let columns = (x0 / stride)..<min(map.w, x1 / stride), rows = (y0 / stride)..<min(map.h, y1 / stride)
        var sums = [Double](repeating: 0, count: map.c)
        for b in 0..<map.n {
            for c in 0..<map.c {
                let plane = map.plane(b, c)
                var sum = 0.0
                for y in rows { for x in columns { sum += Double(plane[y * map.w + x]) } }
                sums[c] += sum
            }
        }
        return (sums, map.n * rows.count * columns.count)
    }
}
