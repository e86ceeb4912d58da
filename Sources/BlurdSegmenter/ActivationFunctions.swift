import Foundation

/// Activations run in place on a layer's output; their derivatives are computed from that
/// output alone, so the pre-activation never has to be kept.
extension Activation {
    func apply(_ map: FeatureMap, slope: Float) {
        let x = map.data, count = map.count
        switch self {
        case .none:
            break
        case .relu:
            for i in 0..<count { x[i] = max(x[i], 0) }
        case .leaky:
            for i in 0..<count { x[i] = x[i] < 0 ? x[i] * slope : x[i] }
        case .sigmoid:
            for i in 0..<count { x[i] = 1 / (1 + exp(-x[i])) }
        case .softmax:
            let plane = map.plane
            for b in 0..<map.n {
                let base = map.plane(b, 0)
                for p in 0..<plane {
                    var peak = -Float.infinity
                    for c in 0..<map.c { peak = max(peak, base[c * plane + p]) }
                    var sum: Float = 0
                    for c in 0..<map.c {
                        let e = exp(base[c * plane + p] - peak)
                        base[c * plane + p] = e
                        sum += e
                    }
                    for c in 0..<map.c { base[c * plane + p] /= sum }
                }
            }
        }
    }

    /// Turns d(loss)/d(output) in `grad` into d(loss)/d(pre-activation), given the output `y`.
    func backward(output y: FeatureMap, grad: FeatureMap, slope: Float) {
        let yv = y.data, g = grad.data, count = y.count
        switch self {
        case .none:
            break
        case .relu:
            for i in 0..<count where !(yv[i] > 0) { g[i] = 0 }
        case .leaky:
            for i in 0..<count where !(yv[i] > 0) { g[i] *= slope }
        case .sigmoid:
            for i in 0..<count { g[i] *= yv[i] * (1 - yv[i]) }
        case .softmax:
            let plane = y.plane
            for b in 0..<y.n {
                let yb = y.plane(b, 0), gb = grad.plane(b, 0)
                for p in 0..<plane {
                    var dot: Float = 0
                    for c in 0..<y.c { dot += yb[c * plane + p] * gb[c * plane + p] }
                    for c in 0..<y.c { gb[c * plane + p] = yb[c * plane + p] * (gb[c * plane + p] - dot) }
                }
            }
        }
    }
}
