import BlurdCore

/// Whole-frame degradations of a camera and its video chain, applied after compositing so they
/// fall on blurred and sharp layers alike.
public enum VideoDegradation {
    /// How a de-interlacer rebuilds a progressive frame.
    public enum Deinterlace: String, Codable, Sendable {
        /// Each line averaged with the next (blend): half a pixel of vertical softness.
        case fieldAveraging
        /// One field kept, the other's lines interpolated from it ("bob").
        case lineDoubling
    }

    /// Rebuilds the frame as a de-interlacer would: vertical softness below the mask threshold.
    public static func deinterlace(_ image: inout FloatImage, mode: Deinterlace) {
        let w = image.width, h = image.height
        guard h >= 3 else { return }
        let source = image.pixels
        switch mode {
        case .fieldAveraging:
            for y in 0..<(h - 1) {
                for x in 0..<w { image.pixels[y * w + x] = 0.5 * (source[y * w + x] + source[(y + 1) * w + x]) }
            }
        case .lineDoubling:
            for y in stride(from: 1, to: h, by: 2) {
                let below = y + 1 < h ? y + 1 : y - 1
                for x in 0..<w { image.pixels[y * w + x] = 0.5 * (source[(y - 1) * w + x] + source[below * w + x]) }
            }
        }
    }

    /// Low light and sensor noise: the scene is scaled by `gain` (< 1 darkens), then shot noise
    /// (variance `shotScale · signal`) and read noise (`readSigma`) are added, then, when
    /// `amplification` is set, the camera's gain multiplies signal and noise alike. Clamped to [0, 1].
    public static func sensor(_ image: inout FloatImage, gain: Float, readSigma: Float, shotScale: Float,
                              amplification: Float, using rng: inout SynthesisRandom) {
        let noisy = readSigma > 0 || shotScale > 0
        func expose(_ value: Float, _ normal: Float) -> Float {
            let signal = value * gain
            let sigma = (readSigma * readSigma + shotScale * max(signal, 0)).squareRoot()
            return min(max((signal + sigma * normal) * amplification, 0), 1)
        }
        let count = image.pixels.count
        var i = 0
        while i < count {
            // Box–Muller yields two independent normals per draw: one for each of two pixels.
            let (n0, n1) = noisy ? rng.gaussianPair() : (0, 0)
            image.pixels[i] = expose(image.pixels[i], n0)
            if i + 1 < count { image.pixels[i + 1] = expose(image.pixels[i + 1], n1) }
            i += 2
        }
    }

    /// The levels step of `tone` (contrast about mid-grey, then brightness), clamped to [0, 1].
    public static func levels(_ image: inout FloatImage, tone: ToneCurve) {
        for i in image.pixels.indices { image.pixels[i] = tone.levels(image.pixels[i]) }
    }

    /// Rounds to 8-bit levels, as every video frame is.
    public static func quantize(_ image: inout FloatImage) {
        for i in image.pixels.indices {
            // Truncating a non-negative value plus one half rounds without a libm call.
            image.pixels[i] = Float(Int(min(max(image.pixels[i], 0), 1) * 255 + 0.5)) * (1 / 255)
        }
    }
}
