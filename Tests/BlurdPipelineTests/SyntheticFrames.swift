import BlurdImaging
import Foundation

/// Deterministic test images: textured patterns, Gaussian blur, sensor-like noise.
enum SyntheticFrames {
    /// A reproducible pseudo-random generator (SplitMix64).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform in [0, 1).
        mutating func uniform() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }
        /// Standard normal (Box–Muller).
        mutating func gaussian() -> Double {
            let u = max(uniform(), 1e-12), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    /// Random-intensity square blocks of `block` px in [low, high], shifted right by `shift` px:
    /// sharp edges everywhere, like a textured scene panning.
    static func blocks(width: Int, height: Int, block: Int = 6, low: Int = 0, high: Int = 255,
                       shift: Int = 0, seed: UInt64 = 1) -> GrayImage {
        var image = GrayImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                var random = Random(state: seed &* 1_000_003 &+ UInt64((x + shift) / block) &* 7919
                                    &+ UInt64(y / block) &* 104_729)
                image[x, y] = UInt8(low + Int(random.next() % UInt64(high - low + 1)))
            }
        }
        return image
    }

    /// A copy of `image` with every pixel set to `value`.
    static func uniform(width: Int, height: Int, value: UInt8) -> GrayImage {
        GrayImage(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
    }

    /// Separable Gaussian blur with clamped borders, applied to columns `[fromX, toX)` only.
    static func gaussianBlur(_ image: GrayImage, sigma: Double, fromX: Int = 0, toX: Int? = nil) -> GrayImage {
        let radius = Int((3 * sigma).rounded(.up))
        var kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        let width = image.width, height = image.height
        func clampX(_ x: Int) -> Int { min(width - 1, max(0, x)) }
        func clampY(_ y: Int) -> Int { min(height - 1, max(0, y)) }
        var horizontal = [Double](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                var sum = 0.0
                for k in -radius...radius { sum += kernel[k + radius] * Double(image[clampX(x + k), y]) }
                horizontal[y * width + x] = sum
            }
        }
        var output = image
        for y in 0..<height {
            for x in fromX..<(toX ?? width) {
                var sum = 0.0
                for k in -radius...radius { sum += kernel[k + radius] * horizontal[clampY(y + k) * width + x] }
                output[x, y] = UInt8(max(0, min(255, sum.rounded())))
            }
        }
        return output
    }

    /// Adds Gaussian noise of `sigma` 8-bit levels, clamped to [0, 255].
    static func addNoise(_ image: GrayImage, sigma: Double, seed: UInt64) -> GrayImage {
        var random = Random(state: seed)
        var output = image
        for index in output.pixels.indices {
            let value = Double(output.pixels[index]) + sigma * random.gaussian()
            output.pixels[index] = UInt8(max(0, min(255, value.rounded())))
        }
        return output
    }
}
