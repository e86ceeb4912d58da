import BlurdCore

/// Which 16×16 tiles of a photograph are sharp, for drawing crops that are sharp to begin with.
///
/// A tile's fine detail is the mean square of the image minus its 3×3 box average (what any
/// blur of sigma ≥ 1 removes). The photo's own noise floor is estimated as the 10th percentile
/// of that energy over its tiles (the flattest tenth is mostly noise and JPEG grain), at most
/// `noiseCap`. A tile is
/// sharp when its fine-detail RMS is at least `noiseFactor` times the noise RMS and at least
/// `minimumRMS`: bokeh, haze and flat sky fall below, textured in-focus content lies above.
/// A summed-area table makes "what fraction of this window is sharp" O(1).
public struct SharpnessMap: Sendable {
    public static let tile = 16
    /// Upper bound of the noise estimate, in grey levels.
    public static let noiseCap: Float = 1.5
    public let tilesX: Int
    public let tilesY: Int
    /// Fine-detail RMS per tile, in 8-bit grey levels.
    public let detailRMS: [Float]
    /// Estimated noise RMS of the photo, in grey levels.
    public let noiseRMS: Float
    /// Sharp (1) or not (0) per tile.
    public let sharp: [UInt8]
    private let integral: [Int32]

    public init(photo: GrayImage, noiseFactor: Float = 3, minimumRMS: Float = 2.5) {
        let t = SharpnessMap.tile
        let tilesX = max(1, photo.width / t)
        let tilesY = max(1, photo.height / t)
        self.tilesX = tilesX
        self.tilesY = tilesY
        var energy = [Float](repeating: 0, count: tilesX * tilesY)
        var counts = [Int](repeating: 0, count: tilesX * tilesY)
        let w = photo.width, h = photo.height
        photo.pixels.withUnsafeBufferPointer { p in
            guard w >= 3 && h >= 3 else { return }
            for y in 1..<(h - 1) {
                let ty = min(y / t, tilesY - 1)
                for x in 1..<(w - 1) {
                    var sum = 0
                    for dy in -1...1 {
                        let row = (y + dy) * w + x
                        sum += Int(p[row - 1]) + Int(p[row]) + Int(p[row + 1])
                    }
                    let detail = Float(p[y * w + x]) - Float(sum) / 9
                    let i = ty * tilesX + min(x / t, tilesX - 1)
                    energy[i] += detail * detail
                    counts[i] += 1
                }
            }
        }
        let detailRMS = zip(energy, counts).map { $1 > 0 ? ($0 / Float($1)).squareRoot() : 0 }
        // On photos textured everywhere the flattest tenth is still texture; real 8-bit photo
        // noise stays under ~1.5 levels, so the estimate is capped there.
        let noiseRMS = min(detailRMS.sorted()[detailRMS.count / 10], SharpnessMap.noiseCap)
        let threshold = max(noiseFactor * noiseRMS, minimumRMS)
        let sharp: [UInt8] = detailRMS.map { $0 >= threshold ? 1 : 0 }
        self.detailRMS = detailRMS
        self.noiseRMS = noiseRMS
        self.sharp = sharp
        var table = [Int32](repeating: 0, count: (tilesX + 1) * (tilesY + 1))
        for y in 0..<tilesY {
            for x in 0..<tilesX {
                table[(y + 1) * (tilesX + 1) + x + 1] = Int32(sharp[y * tilesX + x])
                    + table[y * (tilesX + 1) + x + 1] + table[(y + 1) * (tilesX + 1) + x]
                    - table[y * (tilesX + 1) + x]
            }
        }
        integral = table
    }

    /// Fraction of sharp tiles among those whose centre lies in the pixel rectangle.
    public func sharpFraction(x: Float, y: Float, width: Float, height: Float) -> Float {
        let t = Float(SharpnessMap.tile)
        let x0 = min(max(Int((x / t - 0.5).rounded(.up)), 0), tilesX)
        let y0 = min(max(Int((y / t - 0.5).rounded(.up)), 0), tilesY)
        let x1 = min(max(Int(((x + width) / t - 0.5).rounded(.up)), x0), tilesX)
        let y1 = min(max(Int(((y + height) / t - 0.5).rounded(.up)), y0), tilesY)
        let area = (x1 - x0) * (y1 - y0)
        guard area > 0 else { return 0 }
        let s = tilesX + 1
        let count = integral[y1 * s + x1] - integral[y0 * s + x1] - integral[y1 * s + x0] + integral[y0 * s + x0]
        return Float(count) / Float(area)
    }

    /// Fraction of sharp tiles in the whole photo.
    public var overallSharpFraction: Float {
        Float(sharp.reduce(0) { $0 + Int($1) }) / Float(sharp.count)
    }
}
