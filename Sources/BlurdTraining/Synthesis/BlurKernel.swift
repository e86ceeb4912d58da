import Foundation

/// A normalised 2-D blur kernel (point-spread function) on an odd square grid.
///
/// Weights sum to 1 and the grid is centred on the middle cell, so applying a kernel never
/// changes brightness and never shifts content against its mask. Gaussian and box kernels also
/// keep their 1-D factors, which `ImageFiltering` applies in two passes.
public struct BlurKernel: Sendable, Equatable {
    /// Half the side of the grid: the grid is `(2 * radius + 1)²`.
    public let radius: Int
    /// Row-major weights, `side * side` of them.
    public let weights: [Float]
    /// The 1-D factor (length `side`) when the kernel is its outer product with itself.
    public let separableFactor: [Float]?

    public var side: Int { 2 * radius + 1 }

    /// Normalises `weights` to sum 1 and trims all-zero outer rings.
    init(radius: Int, weights: [Float], separableFactor: [Float]? = nil) {
        precondition(weights.count == (2 * radius + 1) * (2 * radius + 1), "weights do not fill the grid")
        let total = weights.reduce(0, +)
        precondition(total > 0, "blur kernel has no weight")
        var r = radius
        var w = weights.map { $0 / total }
        var f = separableFactor.map { factor -> [Float] in
            let sum = factor.reduce(0, +)
            return factor.map { $0 / sum }
        }
        while r > 0 && BlurKernel.outerRingIsZero(w, radius: r) {
            let side = 2 * r + 1
            var inner: [Float] = []
            inner.reserveCapacity((side - 2) * (side - 2))
            for y in 1..<(side - 1) { inner.append(contentsOf: w[(y * side + 1)..<(y * side + side - 1)]) }
            w = inner
            f = f.map { Array($0[1..<(side - 1)]) }
            r -= 1
        }
        self.radius = r
        self.weights = w
        self.separableFactor = f
    }

    private static func outerRingIsZero(_ w: [Float], radius: Int) -> Bool {
        let side = 2 * radius + 1
        for i in 0..<side {
            if w[i] != 0 || w[(side - 1) * side + i] != 0 || w[i * side] != 0 || w[i * side + side - 1] != 0 {
                return false
            }
        }
        return true
    }

    /// Weight at offset (dx, dy) from the centre, both in `-radius...radius`.
    public subscript(dx: Int, dy: Int) -> Float { weights[(dy + radius) * side + dx + radius] }

    /// The smallest rectangle holding every non-zero weight, as offsets from the centre.
    public var support: (minX: Int, maxX: Int, minY: Int, maxY: Int) {
        var minX = radius, maxX = -radius, minY = radius, maxY = -radius
        for dy in -radius...radius {
            for dx in -radius...radius where self[dx, dy] != 0 {
                minX = min(minX, dx); maxX = max(maxX, dx)
                minY = min(minY, dy); maxY = max(maxY, dy)
            }
        }
        return (minX, maxX, minY, maxY)
    }

    /// The standard deviation of the kernel along its direction of largest spread (square root of
    /// the largest eigenvalue of its second-moment matrix about the centroid).
    ///
    /// This is the "equivalent Gaussian sigma" used by the mask rule: a Gaussian of sigma s gives
    /// s, a disk of radius r gives about r/2, a box or line of length L about L/√12.
    public var equivalentSigma: Float {
        let (sxx, syy, sxy) = secondMoments
        let mean = (sxx + syy) / 2
        let spread = (((sxx - syy) / 2) * ((sxx - syy) / 2) + sxy * sxy).squareRoot()
        return (mean + spread).squareRoot()
    }

    /// The weights' central second moments on the grid (x right, y down): the covariance whose
    /// largest eigenvalue is the equivalent sigma² and whose axis is the smear direction.
    var secondMoments: (sxx: Float, syy: Float, sxy: Float) {
        var mx: Float = 0, my: Float = 0
        for dy in -radius...radius {
            for dx in -radius...radius {
                let w = self[dx, dy]
                mx += w * Float(dx); my += w * Float(dy)
            }
        }
        var sxx: Float = 0, syy: Float = 0, sxy: Float = 0
        for dy in -radius...radius {
            for dx in -radius...radius {
                let w = self[dx, dy]
                let x = Float(dx) - mx, y = Float(dy) - my
                sxx += w * x * x; syy += w * y * y; sxy += w * x * y
            }
        }
        return (sxx, syy, sxy)
    }

    /// The identity kernel (a single 1).
    public static let identity = BlurKernel(radius: 0, weights: [1], separableFactor: [1])

    /// Defocus: a pillbox of the given radius, each cell weighted by how much of it lies inside
    /// the circle (4×4 supersampling), so an integer radius r spans exactly 2r + 1 cells.
    public static func disk(radius: Float) -> BlurKernel {
        precondition(radius > 0, "disk radius must be positive")
        let r = Int((radius + 0.5).rounded(.up))
        let side = 2 * r + 1
        var w = [Float](repeating: 0, count: side * side)
        let r2 = radius * radius
        for y in -r...r {
            for x in -r...r {
                var inside = 0
                for sy in 0..<4 {
                    for sx in 0..<4 {
                        let px = Float(x) - 0.375 + Float(sx) * 0.25
                        let py = Float(y) - 0.375 + Float(sy) * 0.25
                        if px * px + py * py <= r2 { inside += 1 }
                    }
                }
                w[(y + r) * side + x + r] = Float(inside)
            }
        }
        return BlurKernel(radius: r, weights: w)
    }

    /// Gaussian of the given sigma, truncated at 3 sigma; separable.
    public static func gaussian(sigma: Float) -> BlurKernel {
        precondition(sigma > 0, "gaussian sigma must be positive")
        let r = max(1, Int((3 * sigma).rounded(.up)))
        let factor = (-r...r).map { exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        return BlurKernel(radius: r, weights: outer(factor), separableFactor: factor)
    }

    /// Box (moving average) of a real-valued width: each cell weighted by its overlap with
    /// [-width/2, width/2], so an odd integer width n spans exactly n cells; separable.
    public static func box(width: Float) -> BlurKernel {
        precondition(width >= 1, "box width must be at least 1")
        let factor = coverage(halfLength: width / 2)
        return BlurKernel(radius: factor.count / 2, weights: outer(factor), separableFactor: factor)
    }

    /// Linear motion over `length` pixels at `angle` radians (0 = horizontal, counter-clockwise).
    ///
    /// Antialiased analytically: a cell's weight is its overlap with the segment along the
    /// motion times a unit tent across it, so at 0° an odd length L spans exactly L cells.
    public static func linearMotion(length: Float, angle: Float) -> BlurKernel {
        precondition(length >= 1, "motion length must be at least 1")
        let half = length / 2
        let r = Int((half + 1).rounded(.up))
        let side = 2 * r + 1
        // Snapping float residue (cos(π/2) ≈ −4e-8) keeps axis-aligned lines exactly one cell thick.
        func snapped(_ v: Float) -> Float { abs(v) < 1e-6 ? 0 : v }
        let cx = snapped(cos(angle)), cy = snapped(-sin(angle))
        var w = [Float](repeating: 0, count: side * side)
        for y in -r...r {
            for x in -r...r {
                let along = Float(x) * cx + Float(y) * cy
                let across = abs(-Float(x) * cy + Float(y) * cx)
                let overlap = max(0, min(along + 0.5, half) - max(along - 0.5, -half))
                w[(y + r) * side + x + r] = overlap * max(0, 1 - across)
            }
        }
        return BlurKernel(radius: r, weights: w)
    }

    /// Rasterises a sub-pixel path (points visited for equal times) by bilinear splatting,
    /// centred on its weighted centroid so the blur does not shift the image.
    static func path(_ points: [(x: Float, y: Float)], maxRadius: Int) -> BlurKernel {
        precondition(!points.isEmpty, "empty path")
        let mx = points.map(\.x).reduce(0, +) / Float(points.count)
        let my = points.map(\.y).reduce(0, +) / Float(points.count)
        let r = maxRadius
        let side = 2 * r + 1
        var w = [Float](repeating: 0, count: side * side)
        for p in points {
            let x = min(max(p.x - mx, -Float(r) + 0.001), Float(r) - 0.001)
            let y = min(max(p.y - my, -Float(r) + 0.001), Float(r) - 0.001)
            let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
            let fx = x - Float(x0), fy = y - Float(y0)
            let i = (y0 + r) * side + x0 + r
            w[i] += (1 - fx) * (1 - fy)
            w[i + 1] += fx * (1 - fy)
            w[i + side] += (1 - fx) * fy
            w[i + side + 1] += fx * fy
        }
        return BlurKernel(radius: r, weights: w)
    }

    private static func coverage(halfLength: Float) -> [Float] {
        let r = Int((halfLength - 0.5).rounded(.up))
        return (-r...r).map { i in max(0, min(Float(i) + 0.5, halfLength) - max(Float(i) - 0.5, -halfLength)) }
    }

    private static func outer(_ f: [Float]) -> [Float] {
        var w = [Float](repeating: 0, count: f.count * f.count)
        for y in 0..<f.count { for x in 0..<f.count { w[y * f.count + x] = f[y] * f[x] } }
        return w
    }
}
