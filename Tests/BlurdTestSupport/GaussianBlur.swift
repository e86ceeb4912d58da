import BlurdCore
import Foundation

/// A separable Gaussian blur with clamped borders, rounded back to 8 bits: the defocus model of
/// the synthetic test scenes.
public enum GaussianBlur {
    /// Blurs columns `[fromX, toX)` (to the right edge when `toX` is nil) with a kernel of
    /// radius ⌈3σ⌉; the other columns keep their pixels. σ ≤ 0 returns the image unchanged.
    public static func apply(_ image: GrayImage, sigma: Double, fromX: Int = 0, toX: Int? = nil) -> GrayImage {
        guard sigma > 0 else { return image }
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
}
