import BlurdCore

/// How the blurred and sharp layers of a sample are arranged.
public enum CompositionCase: String, Codable, Sendable, CaseIterable {
    /// A sharp object in front of a blurred background (shallow depth of field on the object).
    case blurredBackground
    /// A blurred object on a sharp background (object moving, or out of the focal plane).
    case blurredObject
    /// The whole frame blurred (focus lost, camera shake).
    case wholeFrame
    /// Nothing blurred.
    case allSharp
}

/// Layered compositing as a lens forms the image, on a canvas with a margin around the crop.
///
/// All inputs are canvas-sized; results are the interior (canvas minus `margin` per side).
/// Alpha is binary (1 = object). The returned mask is binary: 1 where the blurred layer
/// dominates the pixel.
public enum LayerCompositor {
    /// A sharp object over a blurred background: `alpha·sharp + (1 − alpha)·(k ∗ sharp)`.
    /// Pixels with alpha 1 are copied bit-exactly from the sharp layer; the mask is `1 − alpha`.
    public static func blurredBackground(sharp: FloatImage, alpha: FloatImage, kernel: BlurKernel,
                                         margin: Int) -> (image: FloatImage, mask: FloatImage) {
        let blurred = ImageFiltering.blurInterior(sharp, kernel: kernel, margin: margin)
        let s = interior(sharp, margin: margin), a = interior(alpha, margin: margin)
        var image = blurred
        var mask = FloatImage(width: blurred.width, height: blurred.height)
        for i in image.pixels.indices {
            if a.pixels[i] >= 0.5 {
                image.pixels[i] = s.pixels[i]
            } else {
                mask.pixels[i] = 1
            }
        }
        return (image, mask)
    }

    /// A blurred object over a sharp background. The object layer is blurred together with
    /// its alpha (premultiplied), so its edge spreads over the background as a moving or
    /// defocused object's does: `k ∗ (alpha·sharp) + (1 − k ∗ alpha)·sharp`. The mask is
    /// `k ∗ alpha ≥ 0.5`: where the blurred object contributes at least half the light.
    public static func blurredObject(sharp: FloatImage, alpha: FloatImage, kernel: BlurKernel,
                                     margin: Int) -> (image: FloatImage, mask: FloatImage) {
        var premultiplied = sharp
        for i in premultiplied.pixels.indices { premultiplied.pixels[i] *= alpha.pixels[i] }
        let object = ImageFiltering.blurInterior(premultiplied, kernel: kernel, margin: margin)
        let coverage = ImageFiltering.blurInterior(alpha, kernel: kernel, margin: margin)
        let background = interior(sharp, margin: margin)
        var image = object
        var mask = FloatImage(width: object.width, height: object.height)
        for i in image.pixels.indices {
            let c = min(max(coverage.pixels[i], 0), 1)
            image.pixels[i] = object.pixels[i] + (1 - c) * background.pixels[i]
            if c >= 0.5 { mask.pixels[i] = 1 }
        }
        return (image, mask)
    }

    /// The whole frame blurred; the mask is all ones.
    public static func wholeFrame(sharp: FloatImage, kernel: BlurKernel, margin: Int) -> (image: FloatImage, mask: FloatImage) {
        let image = ImageFiltering.blurInterior(sharp, kernel: kernel, margin: margin)
        return (image, FloatImage(width: image.width, height: image.height, fill: 1))
    }

    /// The interior of the sharp layer; the mask is all zeros.
    public static func allSharp(sharp: FloatImage, margin: Int) -> (image: FloatImage, mask: FloatImage) {
        let image = interior(sharp, margin: margin)
        return (image, FloatImage(width: image.width, height: image.height))
    }

    /// The canvas without `margin` pixels on every side.
    public static func interior(_ canvas: FloatImage, margin: Int) -> FloatImage {
        let w = canvas.width - 2 * margin, h = canvas.height - 2 * margin
        var out = [Float]()
        out.reserveCapacity(w * h)
        for y in 0..<h {
            let start = (y + margin) * canvas.width + margin
            out.append(contentsOf: canvas.pixels[start..<(start + w)])
        }
        return FloatImage(width: w, height: h, pixels: out)
    }
}
