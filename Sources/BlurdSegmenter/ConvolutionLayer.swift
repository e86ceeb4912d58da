/// 2-D convolution, "same" padding, groups, bias: the direct kernel (`DirectConvolution`) for
/// 3×3 stride-1 ungrouped convolutions, a plain sgemm on the input itself for 1×1 stride-1
/// ungrouped ones, im2col + sgemm per image and group for the rest (strided, grouped, other
/// kernels), and the same split for the gradients.
final class ConvolutionLayer: NetworkLayer {
    let weight: Parameter   // [out, in / groups, k, k]
    let bias: Parameter     // [out]
    let inChannels: Int, outChannels: Int
    let kernel: Int, stride: Int, dilation: Int, groups: Int

    init(inChannels: Int, outChannels: Int, layer: LayerSpec, weight: Parameter, bias: Parameter) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = layer.kernel
        self.stride = layer.stride
        self.dilation = layer.dilation
        self.groups = layer.groups
        self.weight = weight
        self.bias = bias
        path = Self.supportsDirect(kernel: layer.kernel, stride: layer.stride, groups: layer.groups) ? .direct : .im2col
    }

    /// How the forward pass and the input gradient are computed.
    enum Path {
        /// `DirectConvolution` (3×3, stride 1, one group only), weight gradient included.
        case direct
        /// im2col + sgemm (plain sgemm for 1×1 stride-1 convolutions).
        case im2col
    }

    /// `.direct` where the layer's shape allows it; tests set `.im2col` to compare the two.
    var path: Path {
        didSet { precondition(path == .im2col || Self.supportsDirect(kernel: kernel, stride: stride, groups: groups)) }
    }

    private static func supportsDirect(kernel: Int, stride: Int, groups: Int) -> Bool {
        kernel == 3 && stride == 1 && groups == 1
    }

    private let directForward = DirectConvolution(adjoint: false)
    private let directInputGradient = DirectConvolution(adjoint: true)

    /// 1×1, stride 1, one group: the input planes already are the GEMM's right-hand matrix.
    private var isPointwise: Bool { kernel == 1 && stride == 1 && groups == 1 }

    private func geometry(_ input: FeatureMap) -> WindowGeometry {
        WindowGeometry(height: input.h, width: input.w,
                       outHeight: slidingOutputSize(input.h, kernel: kernel, stride: stride, dilation: dilation),
                       outWidth: slidingOutputSize(input.w, kernel: kernel, stride: stride, dilation: dilation),
                       kernel: kernel, stride: stride, dilation: dilation,
                       pad: samePadding(kernel: kernel, dilation: dilation))
    }

    func forward(_ input: FeatureMap, reference: FeatureMap?, output: FeatureMap, scratch: ConvolutionScratch) {
        precondition(input.c == inChannels, "conv expects \(inChannels) channels, got \(input.c)")
        let g = geometry(input)
        output.reshape(n: input.n, c: outChannels, h: g.outHeight, w: g.outWidth)
        let cinG = inChannels / groups, coutG = outChannels / groups
        let rows = cinG * kernel * kernel, columns = g.outHeight * g.outWidth
        guard columns > 0 else { return }
        if path == .direct {
            // The padded input goes where the im2col band would.
            directForward.run(input: input, outChannels: outChannels, dilation: dilation, weight: weight.value,
                              bias: bias.value, accumulate: false, output: output, padded: scratch.columns)
            return
        }
        // im2col runs in bands of output rows small enough to stay in cache while sgemm reads
        // them; unfolding a whole plane would stream several times the input through memory.
        let bandRows = rowsPerBand(g, rows: rows)
        if !isPointwise { scratch.columns.reserve(rows * bandRows * g.outWidth) }
        weight.value.withUnsafeBufferPointer { w in
            bias.value.withUnsafeBufferPointer { b in
                for image in 0..<input.n {
                    for channel in 0..<outChannels {
                        output.plane(image, channel).update(repeating: b[channel], count: columns)
                    }
                    for group in 0..<groups {
                        let x = UnsafePointer(input.plane(image, group * cinG))
                        for top in Swift.stride(from: 0, to: g.outHeight, by: bandRows) {
                            let band = top..<min(g.outHeight, top + bandRows)
                            let matrix = bandMatrix(x, channels: cinG, geometry: g, rows: band, scratch: scratch)
                            let bandColumns = band.count * g.outWidth
                            sgemm(transposeA: false, transposeB: false, m: coutG, n: bandColumns, k: rows,
                                  a: w.baseAddress! + group * coutG * rows, lda: rows, b: matrix, ldb: bandColumns,
                                  beta: 1, c: output.plane(image, group * coutG) + top * g.outWidth, ldc: columns)
                        }
                    }
                }
            }
        }
    }

    /// Floats of one im2col band (256 KiB: half of a typical L2 cache).
    static let bandFloats = 64 * 1024

    func backward(input: FeatureMap, reference: FeatureMap?, gradOutput: FeatureMap,
                  gradInput: FeatureMap?, gradReference: FeatureMap?, scratch: ConvolutionScratch) {
        let g = geometry(input)
        let cinG = inChannels / groups, coutG = outChannels / groups
        let rows = cinG * kernel * kernel, columns = g.outHeight * g.outWidth
        guard columns > 0 else { return }
        accumulateBiasGradient(gradOutput)
        if path == .direct {
            // The padded input goes where the im2col band would, the padded dY where its gradient would.
            weight.grad.withUnsafeMutableBufferPointer { dw in
                directForward.accumulateWeightGradient(input: input, gradOutput: gradOutput, dilation: dilation,
                                                       into: dw.baseAddress!, padded: scratch.columns)
            }
            if let gradInput {
                // dX += dY ⋆ (W transposed and flipped).
                directInputGradient.run(input: gradOutput, outChannels: inChannels, dilation: dilation, weight: weight.value,
                                        bias: nil, accumulate: true, output: gradInput, padded: scratch.columnGradients)
            }
            return
        }
        let bandRows = rowsPerBand(g, rows: rows)
        if !isPointwise {
            scratch.columns.reserve(rows * bandRows * g.outWidth)
            if gradInput != nil { scratch.columnGradients.reserve(rows * bandRows * g.outWidth) }
        }
        weight.value.withUnsafeBufferPointer { w in
            weight.grad.withUnsafeMutableBufferPointer { dw in
                for image in 0..<input.n {
                    for group in 0..<groups {
                        let x = UnsafePointer(input.plane(image, group * cinG))
                        let wg = w.baseAddress! + group * coutG * rows
                        for top in Swift.stride(from: 0, to: g.outHeight, by: bandRows) {
                            let band = top..<min(g.outHeight, top + bandRows)
                            let bandColumns = band.count * g.outWidth
                            let dy = UnsafePointer(gradOutput.plane(image, group * coutG) + top * g.outWidth)
                            let matrix = bandMatrix(x, channels: cinG, geometry: g, rows: band, scratch: scratch)
                            // dW_g += dY_g · colsᵀ
                            sgemm(transposeA: false, transposeB: true, m: coutG, n: rows, k: bandColumns,
                                  a: dy, lda: columns, b: matrix, ldb: bandColumns,
                                  beta: 1, c: dw.baseAddress! + group * coutG * rows, ldc: rows)
                            guard let gradInput else { continue }
                            let dx = gradInput.plane(image, group * cinG)
                            if isPointwise {
                                sgemm(transposeA: true, transposeB: false, m: rows, n: columns, k: coutG,
                                      a: wg, lda: rows, b: dy, ldb: columns, beta: 1, c: dx, ldc: columns)
                            } else {
                                // d cols = W_gᵀ · dY_g, folded back onto the input pixels.
                                sgemm(transposeA: true, transposeB: false, m: rows, n: bandColumns, k: coutG,
                                      a: wg, lda: rows, b: dy, ldb: columns,
                                      beta: 0, c: scratch.columnGradients.pointer, ldc: bandColumns)
                                col2imAccumulate(scratch.columnGradients.pointer, channels: cinG, geometry: g,
                                                 rows: band, into: dx)
                            }
                        }
                    }
                }
            }
        }
    }

    private func accumulateBiasGradient(_ gradOutput: FeatureMap) {
        let columns = gradOutput.plane
        bias.grad.withUnsafeMutableBufferPointer { db in
            for image in 0..<gradOutput.n {
                for channel in 0..<outChannels {
                    let dy = gradOutput.plane(image, channel)
                    var sum: Float = 0
                    for i in 0..<columns { sum += dy[i] }
                    db[channel] += sum
                }
            }
        }
    }

    /// Output rows per im2col band: all of them for pointwise convolutions (no im2col).
    /// The im2col matrix of output rows `band` (the input itself for a pointwise conv, whose
    /// matrix it already is).
    private func bandMatrix(_ x: UnsafePointer<Float>, channels: Int, geometry g: WindowGeometry, rows band: Range<Int>,
                            scratch: ConvolutionScratch) -> UnsafePointer<Float> {
        guard !isPointwise else { return x }
        im2col(x, channels: channels, geometry: g, rows: band, into: scratch.columns.pointer)
        return UnsafePointer(scratch.columns.pointer)
    }

    private func rowsPerBand(_ g: WindowGeometry, rows: Int) -> Int {
        isPointwise ? g.outHeight : max(1, min(g.outHeight, Self.bandFloats / (rows * g.outWidth)))
    }
}
