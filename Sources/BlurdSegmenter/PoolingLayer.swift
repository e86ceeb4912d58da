/// Max or average pooling over k×k windows, stride s, padding (k - 1) / 2 that never counts:
/// the maximum and the average are taken over the in-image part of each window.
final class PoolingLayer: NetworkLayer {
    let isMax: Bool
    let kernel: Int, stride: Int

    init(layer: LayerSpec) {
        isMax = layer.op == .maxpool
        kernel = layer.kernel
        stride = layer.stride
    }

    private func geometry(_ input: FeatureMap) -> WindowGeometry {
        WindowGeometry(height: input.h, width: input.w,
                       outHeight: slidingOutputSize(input.h, kernel: kernel, stride: stride, dilation: 1),
                       outWidth: slidingOutputSize(input.w, kernel: kernel, stride: stride, dilation: 1),
                       kernel: kernel, stride: stride, dilation: 1, pad: samePadding(kernel: kernel, dilation: 1))
    }

    /// Calls `body(outputIndex, window)` for every output pixel of every plane, with the
    /// clipped window as input rows [y0, y1) × columns [x0, x1).
    private func forEachWindow(_ input: FeatureMap, _ g: WindowGeometry,
                               _ body: (_ plane: Int, _ out: Int, _ y0: Int, _ y1: Int, _ x0: Int, _ x1: Int) -> Void) {
        for plane in 0..<(input.n * input.c) {
            for oy in 0..<g.outHeight {
                let y0 = max(0, oy * stride - g.pad), y1 = min(input.h, oy * stride - g.pad + kernel)
                for ox in 0..<g.outWidth {
                    let x0 = max(0, ox * stride - g.pad), x1 = min(input.w, ox * stride - g.pad + kernel)
                    body(plane, oy * g.outWidth + ox, y0, y1, x0, x1)
                }
            }
        }
    }

    func forward(_ input: FeatureMap, reference: FeatureMap?, output: FeatureMap, scratch: ConvolutionScratch) {
        let g = geometry(input)
        output.reshape(n: input.n, c: input.c, h: g.outHeight, w: g.outWidth)
        let outPlane = g.outHeight * g.outWidth
        forEachWindow(input, g) { plane, out, y0, y1, x0, x1 in
            let x = input.data + plane * input.plane
            var acc: Float = isMax ? -.infinity : 0
            for y in y0..<y1 {
                for xx in x0..<x1 { acc = isMax ? max(acc, x[y * input.w + xx]) : acc + x[y * input.w + xx] }
            }
            output.data[plane * outPlane + out] = isMax ? acc : acc / Float((y1 - y0) * (x1 - x0))
        }
    }

    func backward(input: FeatureMap, reference: FeatureMap?, gradOutput: FeatureMap,
                  gradInput: FeatureMap?, gradReference: FeatureMap?, scratch: ConvolutionScratch) {
        guard let gradInput else { return }
        let g = geometry(input)
        let outPlane = g.outHeight * g.outWidth
        forEachWindow(input, g) { plane, out, y0, y1, x0, x1 in
            let x = input.data + plane * input.plane, dx = gradInput.data + plane * input.plane
            let dy = gradOutput.data[plane * outPlane + out]
            if isMax {
                // The gradient goes to the first maximum, the one forward picked.
                var best = -Float.infinity, at = y0 * input.w + x0
                for y in y0..<y1 {
                    for xx in x0..<x1 where x[y * input.w + xx] > best { best = x[y * input.w + xx]; at = y * input.w + xx }
                }
                dx[at] += dy
            } else {
                let share = dy / Float((y1 - y0) * (x1 - x0))
                for y in y0..<y1 { for xx in x0..<x1 { dx[y * input.w + xx] += share } }
            }
        }
    }
}
