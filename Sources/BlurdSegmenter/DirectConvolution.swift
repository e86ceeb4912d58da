import CBlurdKernels
import COpenBLAS
import Dispatch

/// The direct fp32 3×3 stride-1 convolution (`blurd_sconv3x3` in CBlurdKernels): no im2col
/// matrix; output pixels along x in vectors, a block of output channels in registers, read
/// from a zero-padded copy of the input. A convolution layer uses one for its forward pass
/// and weight gradient, and one, on the transposed and flipped weights, for its input gradient.
final class DirectConvolution {
    /// false: `weight` is [cout][cin][3][3] of this convolution. true: it is the weight
    /// [cin][cout][3][3] of the layer whose input gradient this computes (dX = dY ⋆ Wᵀ flipped).
    let adjoint: Bool
    private let packed = FloatBuffer()

    init(adjoint: Bool) { self.adjoint = adjoint }

    /// `output` (already shaped n × cout × h × w like `input`) gets bias + conv(input), or
    /// conv(input) added to it when `accumulate`. `padded` is scratch for one padded image.
    /// Output rows are split over as many threads as OpenBLAS is set to use, so the layers
    /// around it keep the threading the caller chose (`BLAS.setThreads`).
    func run(input: FeatureMap, outChannels: Int, dilation: Int, weight: [Float], bias: [Float]?,
             accumulate: Bool, output: FeatureMap, padded: FloatBuffer) {
        precondition(output.n == input.n && output.c == outChannels && output.h == input.h && output.w == input.w,
                     "direct convolution output shape")
        guard input.h > 0, input.w > 0 else { return }
        var shape = blurd_sconv_shape(cin: input.c, cout: outChannels, h: input.h, w: input.w, dil: dilation)
        packed.reserve(blurd_sconv3x3_packed_floats(&shape))
        weight.withUnsafeBufferPointer { blurd_sconv3x3_pack($0.baseAddress!, &shape, adjoint ? 1 : 0, packed.pointer) }
        padded.reserve(blurd_sconv3x3_padded_floats(&shape))
        let bands = max(1, min(Int(openblas_get_num_threads()), input.h))
        let biasValues = bias ?? []
        biasValues.withUnsafeBufferPointer { b in
            for image in 0..<input.n {
                blurd_sconv3x3_pad(input.plane(image, 0), &shape, padded.pointer)
                let job = DirectConvolutionJob(padded: padded.pointer, shape: shape, packed: packed.pointer,
                                               bias: bias == nil ? nil : b.baseAddress, accumulate: accumulate ? 1 : 0,
                                               output: output.plane(image, 0))
                inSlices(of: input.h, parts: bands) { job.run(rows: $0) }
            }
        }
    }
}

extension DirectConvolution {
    /// Adds the weight gradient [cout][cin][3][3] of the convolution input → gradOutput (a
    /// forward, not adjoint, instance's layer) into `weightGradient`, over every image. Output
    /// channels are split over the OpenBLAS thread count, as `run` splits rows.
    func accumulateWeightGradient(input: FeatureMap, gradOutput: FeatureMap, dilation: Int,
                                  into weightGradient: UnsafeMutablePointer<Float>, padded: FloatBuffer) {
        precondition(!adjoint && gradOutput.n == input.n && gradOutput.h == input.h && gradOutput.w == input.w,
                     "direct convolution weight gradient shapes")
        guard input.h > 0, input.w > 0 else { return }
        var shape = blurd_sconv_shape(cin: input.c, cout: gradOutput.c, h: input.h, w: input.w, dil: dilation)
        padded.reserve(blurd_sconv3x3_padded_floats(&shape))
        let parts = max(1, min(Int(openblas_get_num_threads()), gradOutput.c))
        for image in 0..<input.n {
            blurd_sconv3x3_pad(input.plane(image, 0), &shape, padded.pointer)
            let job = WeightGradientJob(padded: padded.pointer, shape: shape, gradOutput: gradOutput.plane(image, 0),
                                        weightGradient: weightGradient)
            inSlices(of: gradOutput.c, parts: parts) { job.run(channels: $0) }
        }
    }
}

/// Runs `slice` on `parts` consecutive, near-equal slices of 0..<count, concurrently when there
/// are several.
private func inSlices(of count: Int, parts: Int, _ slice: @Sendable (Range<Int>) -> Void) {
    guard parts > 1 else { return slice(0..<count) }
    DispatchQueue.concurrentPerform(iterations: parts) { part in slice(part * count / parts..<(part + 1) * count / parts) }
}

/// One image of a direct convolution, handed to its row bands.
// Unchecked: the pointers stay valid until concurrentPerform returns; every band reads the same
// padded input and weights and writes only its own output rows.
private struct DirectConvolutionJob: @unchecked Sendable {
    let padded: UnsafeMutablePointer<Float>
    let shape: blurd_sconv_shape
    let packed: UnsafeMutablePointer<Float>
    let bias: UnsafePointer<Float>?
    let accumulate: Int32
    let output: UnsafeMutablePointer<Float>

    func run(rows: Range<Int>) {
        var shape = shape
        blurd_sconv3x3_rows(padded, &shape, packed, bias, accumulate, output, rows.lowerBound, rows.upperBound)
    }
}

/// One image's share of a weight gradient, handed to its output-channel parts.
// Unchecked: as DirectConvolutionJob; every part writes only its own output channels' weights.
private struct WeightGradientJob: @unchecked Sendable {
    let padded: UnsafeMutablePointer<Float>
    let shape: blurd_sconv_shape
    let gradOutput: UnsafeMutablePointer<Float>
    let weightGradient: UnsafeMutablePointer<Float>

    func run(channels: Range<Int>) {
        var shape = shape
        blurd_sconv3x3_weight_grad(padded, &shape, gradOutput, weightGradient, channels.lowerBound, channels.upperBound)
    }
}
