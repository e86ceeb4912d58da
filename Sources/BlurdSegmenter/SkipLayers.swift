/// Channel concatenation with a saved tensor: the current tensor's channels first.
final class ConcatLayer: NetworkLayer {
    func forward(_ input: FeatureMap, reference: FeatureMap?, output: FeatureMap, scratch: ConvolutionScratch) {
        let other = reference!
        precondition(other.n == input.n && other.h == input.h && other.w == input.w,
                     "concat of \(input.h)×\(input.w) and \(other.h)×\(other.w)")
        output.reshape(n: input.n, c: input.c + other.c, h: input.h, w: input.w)
        for b in 0..<input.n {
            output.plane(b, 0).update(from: input.plane(b, 0), count: input.c * input.plane)
            output.plane(b, input.c).update(from: other.plane(b, 0), count: other.c * other.plane)
        }
    }

    func backward(input: FeatureMap, reference: FeatureMap?, gradOutput: FeatureMap,
                  gradInput: FeatureMap?, gradReference: FeatureMap?, scratch: ConvolutionScratch) {
        for b in 0..<input.n {
            if let gradInput { accumulate(gradOutput.plane(b, 0), into: gradInput.plane(b, 0), count: input.c * input.plane) }
            if let gradReference {
                accumulate(gradOutput.plane(b, input.c), into: gradReference.plane(b, 0), count: gradReference.c * input.plane)
            }
        }
    }
}

/// Element-wise sum with a saved tensor of the same shape (a residual skip).
final class AddLayer: NetworkLayer {
    func forward(_ input: FeatureMap, reference: FeatureMap?, output: FeatureMap, scratch: ConvolutionScratch) {
        let other = reference!
        precondition(other.n == input.n && other.c == input.c && other.h == input.h && other.w == input.w,
                     "add of \(input.c)×\(input.h)×\(input.w) and \(other.c)×\(other.h)×\(other.w)")
        output.reshape(like: input)
        for i in 0..<input.count { output.data[i] = input.data[i] + other.data[i] }
    }

    func backward(input: FeatureMap, reference: FeatureMap?, gradOutput: FeatureMap,
                  gradInput: FeatureMap?, gradReference: FeatureMap?, scratch: ConvolutionScratch) {
        if let gradInput { accumulate(gradOutput.data, into: gradInput.data, count: input.count) }
        if let gradReference { accumulate(gradOutput.data, into: gradReference.data, count: input.count) }
    }
}

@inline(__always)
func accumulate(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { destination[i] += source[i] }
}
