/// Resizes to the spatial size of a saved tensor: bilinear with half-pixel centres
/// (align_corners = false, source clamped at the border) or nearest (floor((i + 0.5)·in/out)).
/// The per-axis taps are tables rebuilt only when the sizes change.
final class UpsampleLayer: NetworkLayer {
    /// Output index i reads input indices `low[i]` and `high[i]`, weighting `high` by `frac[i]`.
    private struct AxisTaps {
        var inSize = -1, outSize = -1
        var low: [Int] = [], high: [Int] = [], frac: [Float] = []

        mutating func update(inSize: Int, outSize: Int, bilinear: Bool) {
            guard inSize != self.inSize || outSize != self.outSize else { return }
            self.inSize = inSize
            self.outSize = outSize
            let scale = Double(inSize) / Double(outSize)
            low = []; high = []; frac = []
            for i in 0..<outSize {
                if bilinear {
                    let source = max(0, (Double(i) + 0.5) * scale - 0.5)
                    let l = min(Int(source), inSize - 1)
                    low.append(l)
                    high.append(min(l + 1, inSize - 1))
                    frac.append(Float(source - Double(l)))
                } else {
                    let l = min(Int((Double(i) + 0.5) * scale), inSize - 1)
                    low.append(l); high.append(l); frac.append(0)
                }
            }
        }
    }

    let bilinear: Bool
    private var rows = AxisTaps(), cols = AxisTaps()

    init(layer: LayerSpec) { bilinear = layer.upsampleMode == .bilinear }

    private func prepare(_ input: FeatureMap, _ target: FeatureMap) {
        rows.update(inSize: input.h, outSize: target.h, bilinear: bilinear)
        cols.update(inSize: input.w, outSize: target.w, bilinear: bilinear)
    }

    func forward(_ input: FeatureMap, reference: FeatureMap?, output: FeatureMap, scratch: ConvolutionScratch) {
        let target = reference!
        output.reshape(n: input.n, c: input.c, h: target.h, w: target.w)
        guard output.count > 0 else { return }
        precondition(input.h > 0 && input.w > 0, "upsample of an empty tensor")
        prepare(input, target)
        for plane in 0..<(input.n * input.c) {
            let x = input.data + plane * input.plane, y = output.data + plane * output.plane
            for oy in 0..<output.h {
                let r0 = x + rows.low[oy] * input.w, r1 = x + rows.high[oy] * input.w, fy = rows.frac[oy]
                for ox in 0..<output.w {
                    let l = cols.low[ox], h = cols.high[ox], fx = cols.frac[ox]
                    let top = r0[l] + (r0[h] - r0[l]) * fx
                    let bottom = r1[l] + (r1[h] - r1[l]) * fx
                    y[oy * output.w + ox] = top + (bottom - top) * fy
                }
            }
        }
    }

    func backward(input: FeatureMap, reference: FeatureMap?, gradOutput: FeatureMap,
                  gradInput: FeatureMap?, gradReference: FeatureMap?, scratch: ConvolutionScratch) {
        guard let gradInput, gradOutput.count > 0 else { return }
        prepare(input, gradOutput)
        for plane in 0..<(input.n * input.c) {
            let dx = gradInput.data + plane * input.plane, dy = gradOutput.data + plane * gradOutput.plane
            for oy in 0..<gradOutput.h {
                let r0 = dx + rows.low[oy] * input.w, r1 = dx + rows.high[oy] * input.w, fy = rows.frac[oy]
                for ox in 0..<gradOutput.w {
                    let l = cols.low[ox], h = cols.high[ox], fx = cols.frac[ox]
                    let g = dy[oy * gradOutput.w + ox]
                    r0[l] += g * (1 - fy) * (1 - fx)
                    r0[h] += g * (1 - fy) * fx
                    r1[l] += g * fy * (1 - fx)
                    r1[h] += g * fy * fx
                }
            }
        }
    }
}
