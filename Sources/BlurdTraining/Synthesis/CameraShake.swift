import Foundation

/// Random camera-shake point-spread functions after Boracchi and Foi (2012): a 2-D random walk
/// whose velocity receives small Gaussian accelerations, occasional impulsive jerks and a pull
/// back towards the start, sampled densely and rasterised with sub-pixel splatting.
public enum CameraShake {
    /// A shake kernel whose path spans about `extent` pixels along its longer side.
    ///
    /// - Parameters:
    ///   - extent: the largest side of the path's bounding box, in pixels (≥ 2).
    ///   - anxiety: Gaussian acceleration per step relative to the speed (0.005 is calm, 0.1 jittery).
    ///   - maxRadius: the kernel grid's half side; the path is shrunk to fit inside it.
    public static func kernel(extent: Float, anxiety: Float, maxRadius: Int,
                              using rng: inout SynthesisRandom) -> BlurKernel {
        precondition(extent >= 2, "shake extent must be at least 2 px")
        let steps = 96
        let jerkProbability: Float = 0.02
        let centripetal: Float = 0.05
        let startAngle = rng.uniform(0...(2 * Float.pi))
        var vx = cos(startAngle), vy = sin(startAngle)
        var px: Float = 0, py: Float = 0
        var walk: [(x: Float, y: Float)] = [(0, 0)]
        walk.reserveCapacity(steps + 1)
        for _ in 0..<steps {
            var ax = anxiety * rng.gaussian() - centripetal * px / Float(steps)
            var ay = anxiety * rng.gaussian() - centripetal * py / Float(steps)
            if rng.chance(jerkProbability) {
                let jerkAngle = rng.uniform(0...(2 * Float.pi))
                ax += 2 * anxiety * cos(jerkAngle) * Float(steps).squareRoot()
                ay += 2 * anxiety * sin(jerkAngle) * Float(steps).squareRoot()
            }
            vx += ax; vy += ay
            let speed = max((vx * vx + vy * vy).squareRoot(), 1e-6)
            vx /= speed; vy /= speed
            px += vx; py += vy
            walk.append((px, py))
        }
        let minX = walk.map(\.x).min()!, maxX = walk.map(\.x).max()!
        let minY = walk.map(\.y).min()!, maxY = walk.map(\.y).max()!
        let span = max(maxX - minX, maxY - minY, 1e-3)
        // The kernel is centred on the path's centroid, so the path must fit around that point.
        let cx = walk.map(\.x).reduce(0, +) / Float(walk.count)
        let cy = walk.map(\.y).reduce(0, +) / Float(walk.count)
        let reach = walk.map { max(abs($0.x - cx), abs($0.y - cy)) }.max()!
        let scale = min(extent / span, (Float(maxRadius) - 1.5) / max(reach, 1e-3))
        // Sub-steps of at most a quarter pixel keep the rasterised path continuous.
        var dense: [(x: Float, y: Float)] = []
        for i in 1..<walk.count {
            let ax = walk[i - 1].x * scale, ay = walk[i - 1].y * scale
            let bx = walk[i].x * scale, by = walk[i].y * scale
            let length = ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).squareRoot()
            let pieces = max(1, Int((length * 4).rounded(.up)))
            for k in 0..<pieces {
                let t = (Float(k) + 0.5) / Float(pieces)
                dense.append((ax + (bx - ax) * t, ay + (by - ay) * t))
            }
        }
        return BlurKernel.path(dense, maxRadius: maxRadius)
    }
}
