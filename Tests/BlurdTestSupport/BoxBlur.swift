import BlurdCore

/// A box blur in integer arithmetic: the mean (truncated) of the (2·radius+1)² window around each
/// pixel, borders clamped. Exact and cheap, so test frames are the same on every machine.
public enum BoxBlur {
    /// `passes` successive blurs of columns `[0, toX)` (all columns when nil); the other columns
    /// keep their pixels. Three passes come close to a Gaussian of σ ≈ `radius`.
    public static func apply(_ image: GrayImage, radius: Int, passes: Int = 1, toX: Int? = nil) -> GrayImage {
        var result = image
        let limit = toX ?? image.width
        for _ in 0..<passes {
            let source = result
            for y in 0..<image.height {
                for x in 0..<limit {
                    var sum = 0, count = 0
                    for dy in -radius...radius {
                        for dx in -radius...radius {
                            let sx = min(image.width - 1, max(0, x + dx)), sy = min(image.height - 1, max(0, y + dy))
                            sum += Int(source[sx, sy])
                            count += 1
                        }
                    }
                    result[x, y] = UInt8(sum / count)
                }
            }
        }
        return result
    }
}
