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

/// Element-wise sum with a saved tensor of the same shape (a residual skip), or with a
/// frame-level 1×1 tensor broadcast to every pixel of the other operand (the context of `gap`).
final class AddLayer: NetworkLayer {
    func forward(_ input: FeatureMap, reference: FeatureMap?, output: FeatureMap, scratch: ConvolutionScratch) {
        let other = reference!
        precondition(other.n == input.n && other.c == input.c, "add of \(input.c) and \(other.c) channels")
        let (map, vector) = Self.operands(input, other)
        output.reshape(like: map)
        if let vector {
            for b in 0..<map.n {
                for c in 0..<map.c {
                    let v = vector.data[b * map.c + c], src = map.plane(b, c), dst = output.plane(b, c)
                    for i in 0..<map.plane { dst[i] = src[i] + v }
                }
            }
        } else {
            precondition(other.h == input.h && other.w == input.w,
                         "add of \(input.h)×\(input.w) and \(other.h)×\(other.w)")
            for i in 0..<input.count { output.data[i] = input.data[i] + other.data[i] }
        }
    }

    func backward(input: FeatureMap, reference: FeatureMap?, gradOutput: FeatureMap,
                  gradInput: FeatureMap?, gradReference: FeatureMap?, scratch: ConvolutionScratch) {
        let other = reference!
        let (map, vector) = Self.operands(input, other)
        for (operand, gradient) in [(input, gradInput), (other, gradReference)] {
            guard let gradient else { continue }
            if let vector, operand === vector {
                // A broadcast operand collects the gradient of every pixel it was added to.
                for b in 0..<map.n {
                    for c in 0..<map.c {
                        let dy = gradOutput.plane(b, c)
                        var sum: Float = 0
                        for i in 0..<map.plane { sum += dy[i] }
                        gradient.data[b * map.c + c] += sum
                    }
                }
            } else {
                accumulate(gradOutput.data, into: gradient.data, count: map.count)
            }
        }
    }

    /// The spatial operand and the broadcast one (nil when both have the same size).
    private static func operands(_ input: FeatureMap, _ other: FeatureMap) -> (map: FeatureMap, vector: FeatureMap?) {
        if input.plane == other.plane { return (input, nil) }
        if input.h == 1 && input.w == 1 { return (other, input) }
        precondition(other.h == 1 && other.w == 1, "add of \(input.h)×\(input.w) and \(other.h)×\(other.w)")
        return (input, other)
    }
}

@inline(__always)
func accumulate(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { destination[i] += source[i] }
}
