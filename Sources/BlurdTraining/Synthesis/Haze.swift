import BlurdCore

/// Atmospheric haze on the sharp scene: `J·t + A·(1 − t)`, with a transmission `t` that varies
/// smoothly over the frame (more haze towards the top, as distance grows, plus broad patches).
///
/// Haze lowers contrast but does not blur: fog over a lake, mist behind a street, a low sun's
/// veil are in focus. Applied to the sharp layer before any blur, it teaches the net that low
/// contrast alone is not blur.
public enum Haze {
    public static func apply(_ image: inout FloatImage, airlight: Float, minimumTransmission: Float,
                             using rng: inout SynthesisRandom) {
        let w = image.width, h = image.height
        guard w > 1, h > 1 else { return }
        // Broad patches: a 4×4 grid of random values, bilinearly interpolated.
        let grid = 4
        let nodes = (0..<(grid * grid)).map { _ in rng.unit() }
        let rampWeight = rng.uniform(0...1)
        for y in 0..<h {
            let gy = Float(y) / Float(h - 1) * Float(grid - 1)
            let y0 = min(Int(gy), grid - 2), fy = gy - Float(y0)
            for x in 0..<w {
                let gx = Float(x) / Float(w - 1) * Float(grid - 1)
                let x0 = min(Int(gx), grid - 2), fx = gx - Float(x0)
                let top = nodes[y0 * grid + x0] * (1 - fx) + nodes[y0 * grid + x0 + 1] * fx
                let bottom = nodes[(y0 + 1) * grid + x0] * (1 - fx) + nodes[(y0 + 1) * grid + x0 + 1] * fx
                let patch = top * (1 - fy) + bottom * fy
                let clear = rampWeight * Float(y) / Float(h - 1) + (1 - rampWeight) * patch
                let t = minimumTransmission + (1 - minimumTransmission) * clear
                let i = y * w + x
                image.pixels[i] = image.pixels[i] * t + airlight * (1 - t)
            }
        }
    }
}
