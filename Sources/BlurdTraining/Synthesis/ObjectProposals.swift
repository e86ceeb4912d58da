import BlurdCore
import Foundation

/// The ways an object-shaped region is drawn.
public enum ObjectProposalKind: String, Codable, Sendable, CaseIterable {
    /// A star-shaped contour r(θ) = R·(1 + Σ a_k cos(kθ + φ_k)), k = 2…5: smooth, convex-ish.
    case fourierContour
    /// Thresholded low-pass noise (a coarse random grid, bilinearly enlarged): irregular blobs,
    /// sometimes several pieces.
    case noiseBlob
    /// A region grown on the photo itself from a random seed, merging 4-neighbours whose grey
    /// level is within a tolerance of the region mean (at ¼ resolution, then smoothed back up):
    /// follows real object and surface boundaries.
    case regionGrowing
}

/// Binary object masks (1 inside) on a square canvas, shaped like objects rather than boxes.
public enum ObjectProposals {
    /// One region of the given kind with an area near `areaFraction` of the canvas.
    public static func region(_ kind: ObjectProposalKind, canvas: FloatImage, areaFraction: Float,
                              using rng: inout SynthesisRandom) -> FloatImage {
        switch kind {
        case .fourierContour: return fourierContour(size: canvas.width, areaFraction: areaFraction, using: &rng)
        case .noiseBlob: return noiseBlob(size: canvas.width, areaFraction: areaFraction, using: &rng)
        case .regionGrowing: return regionGrowing(canvas: canvas, areaFraction: areaFraction, using: &rng)
        }
    }

    static func fourierContour(size: Int, areaFraction: Float, using rng: inout SynthesisRandom) -> FloatImage {
        let n = Float(size)
        let baseRadius = (areaFraction * n * n / Float.pi).squareRoot()
        var amplitudes: [Float] = []
        var phases: [Float] = []
        for k in 2...5 {
            amplitudes.append(rng.uniform(0...(0.4 / Float(k))))
            phases.append(rng.uniform(0...(2 * Float.pi)))
        }
        let cx = rng.uniform((0.2 * n)...(0.8 * n)), cy = rng.uniform((0.2 * n)...(0.8 * n))
        // The contour radius on 256 angle bins; pixels look it up instead of summing harmonics.
        let bins = 256
        let radii: [Float] = (0..<bins).map { b in
            let theta = Float(b) / Float(bins) * 2 * Float.pi
            var r: Float = 1
            for (i, a) in amplitudes.enumerated() { r += a * cos(Float(i + 2) * theta + phases[i]) }
            return baseRadius * r
        }
        let reach = radii.max()!
        var mask = FloatImage(width: size, height: size)
        let x0 = max(0, Int(cx - reach)), x1 = min(size - 1, Int(cx + reach) + 1)
        let y0 = max(0, Int(cy - reach)), y1 = min(size - 1, Int(cy + reach) + 1)
        guard x0 <= x1 && y0 <= y1 else { return mask }
        for y in y0...y1 {
            for x in x0...x1 {
                let dx = Float(x) + 0.5 - cx, dy = Float(y) + 0.5 - cy
                let d2 = dx * dx + dy * dy
                guard d2 <= reach * reach else { continue }
                var theta = atan2(dy, dx)
                if theta < 0 { theta += 2 * Float.pi }
                let bin = min(bins - 1, Int(theta / (2 * Float.pi) * Float(bins)))
                if d2 <= radii[bin] * radii[bin] { mask[x, y] = 1 }
            }
        }
        return mask
    }

    static func noiseBlob(size: Int, areaFraction: Float, using rng: inout SynthesisRandom) -> FloatImage {
        let grid = rng.integer(3...6)
        var coarse = [Float](repeating: 0, count: grid * grid)
        for i in coarse.indices { coarse[i] = rng.gaussian() }
        var field = [Float](repeating: 0, count: size * size)
        let step = Float(grid - 1) / Float(size - 1)
        for y in 0..<size {
            let gy = Float(y) * step
            let y0 = min(Int(gy), grid - 2), fy = gy - Float(y0)
            for x in 0..<size {
                let gx = Float(x) * step
                let x0 = min(Int(gx), grid - 2), fx = gx - Float(x0)
                let top = coarse[y0 * grid + x0] * (1 - fx) + coarse[y0 * grid + x0 + 1] * fx
                let bottom = coarse[(y0 + 1) * grid + x0] * (1 - fx) + coarse[(y0 + 1) * grid + x0 + 1] * fx
                field[y * size + x] = top * (1 - fy) + bottom * fy
            }
        }
        // Threshold at the quantile that leaves the requested area inside (a 1024-bin
        // histogram: sorting the whole field would cost more than the rest of the proposal).
        let lo = field.min()!, hi = field.max()!
        let bins = 1024
        let binWidth = max(hi - lo, 1e-6) / Float(bins)
        var histogram = [Int](repeating: 0, count: bins)
        for v in field { histogram[min(bins - 1, Int((v - lo) / binWidth))] += 1 }
        let wanted = Int(areaFraction * Float(field.count))
        var above = 0
        var cutBin = bins - 1
        while cutBin > 0 && above + histogram[cutBin] <= wanted {
            above += histogram[cutBin]
            cutBin -= 1
        }
        let cut = lo + Float(cutBin + 1) * binWidth
        return FloatImage(width: size, height: size, pixels: field.map { $0 >= cut ? 1 : 0 })
    }

    static func regionGrowing(canvas: FloatImage, areaFraction: Float, using rng: inout SynthesisRandom) -> FloatImage {
        let factor = 4
        let size = canvas.width
        let small = size / factor
        guard small >= 4 else { return noiseBlob(size: size, areaFraction: areaFraction, using: &rng) }
        var grey = [Float](repeating: 0, count: small * small)
        for y in 0..<small {
            for x in 0..<small {
                var sum: Float = 0
                for dy in 0..<factor {
                    for dx in 0..<factor { sum += canvas[x * factor + dx, y * factor + dy] }
                }
                grey[y * small + x] = sum / Float(factor * factor)
            }
        }
        let targetArea = max(4, Int(areaFraction * Float(small * small)))
        // Grow each region to its natural boundary (stopping at a pixel budget would cut a
        // diamond out of a uniform area), then adapt the tolerance until the region is
        // object-sized: too big means it leaked into the background, too small a speck.
        var best: [UInt8] = []
        var tolerance = rng.uniform(0.03...0.12)
        var seed = rng.integer(0...(small * small - 1))
        for _ in 0..<8 {
            let (inside, area) = grow(grey, size: small, seed: seed, tolerance: tolerance, limit: 2 * targetArea)
            if area > 2 * targetArea {
                // A seed in a large uniform area stays too big at any tolerance: move it.
                tolerance *= 0.6
                if tolerance < 0.02 || rng.chance(0.5) {
                    tolerance = rng.uniform(0.03...0.12)
                    seed = rng.integer(0...(small * small - 1))
                }
            } else if area * 3 < targetArea {
                tolerance *= 1.6
                seed = rng.integer(0...(small * small - 1))
            } else {
                best = inside
                break
            }
        }
        if best.isEmpty { return noiseBlob(size: size, areaFraction: areaFraction, using: &rng) }
        // A 3×3 average before the 0.5 threshold below removes one-pixel specks and holes.
        var smooth = [Float](repeating: 0, count: small * small)
        for y in 0..<small {
            for x in 0..<small {
                var sum: Float = 0
                var n: Float = 0
                for dy in -1...1 {
                    for dx in -1...1 {
                        let nx = x + dx, ny = y + dy
                        guard nx >= 0 && ny >= 0 && nx < small && ny < small else { continue }
                        sum += Float(best[ny * small + nx]); n += 1
                    }
                }
                smooth[y * small + x] = sum / n
            }
        }
        // Bilinear enlargement and a 0.5 threshold round off the ¼-resolution staircase.
        var mask = FloatImage(width: size, height: size)
        for y in 0..<size {
            let sy = min(max((Float(y) + 0.5) / Float(factor) - 0.5, 0), Float(small - 1))
            let y0 = min(Int(sy), small - 2), fy = sy - Float(y0)
            for x in 0..<size {
                let sx = min(max((Float(x) + 0.5) / Float(factor) - 0.5, 0), Float(small - 1))
                let x0 = min(Int(sx), small - 2), fx = sx - Float(x0)
                let top = smooth[y0 * small + x0] * (1 - fx) + smooth[y0 * small + x0 + 1] * fx
                let bottom = smooth[(y0 + 1) * small + x0] * (1 - fx) + smooth[(y0 + 1) * small + x0 + 1] * fx
                if top * (1 - fy) + bottom * fy >= 0.5 { mask[x, y] = 1 }
            }
        }
        return mask
    }

    /// 4-connected flood fill from `seed` over pixels within `tolerance` of the running region
    /// mean; gives up once the region exceeds `limit` pixels.
    private static func grow(_ grey: [Float], size: Int, seed: Int, tolerance: Float,
                             limit: Int) -> (inside: [UInt8], area: Int) {
        var inside = [UInt8](repeating: 0, count: size * size)
        var queue = [seed]
        inside[seed] = 1
        var sum = grey[seed]
        var head = 0
        while head < queue.count && queue.count <= limit {
            let i = queue[head]; head += 1
            let x = i % size, y = i / size
            for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] {
                guard nx >= 0 && ny >= 0 && nx < size && ny < size else { continue }
                let j = ny * size + nx
                guard inside[j] == 0, abs(grey[j] - sum / Float(queue.count)) <= tolerance else { continue }
                inside[j] = 1
                sum += grey[j]
                queue.append(j)
            }
        }
        return (inside, queue.count)
    }
}
