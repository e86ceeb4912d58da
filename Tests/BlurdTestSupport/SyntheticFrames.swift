import BlurdCore
import Foundation

/// Deterministic test images: textured patterns, flat frames, sensor-like noise.
public enum SyntheticFrames {
    /// Random-intensity square blocks of `block` px in [low, high], shifted right by `shift` px:
    /// sharp edges everywhere, like a textured scene panning.
    public static func blocks(width: Int, height: Int, block: Int = 6, low: Int = 0, high: Int = 255,
                       shift: Int = 0, seed: UInt64 = 1) -> GrayImage {
        var image = GrayImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                var random = SeededRandom(seed: seed &* 1_000_003 &+ UInt64((x + shift) / block) &* 7919
                                          &+ UInt64(y / block) &* 104_729)
                image[x, y] = UInt8(low + Int(random.next() % UInt64(high - low + 1)))
            }
        }
        return image
    }

    /// A copy of `image` with every pixel set to `value`.
    public static func uniform(width: Int, height: Int, value: UInt8) -> GrayImage {
        GrayImage(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
    }

    /// Adds Gaussian noise of `sigma` 8-bit levels, clamped to [0, 255].
    public static func addNoise(_ image: GrayImage, sigma: Double, seed: UInt64) -> GrayImage {
        var random = SeededRandom(seed: seed)
        var output = image
        for index in output.pixels.indices {
            let value = Double(output.pixels[index]) + sigma * random.gaussian()
            output.pixels[index] = UInt8(max(0, min(255, value.rounded())))
        }
        return output
    }
}
