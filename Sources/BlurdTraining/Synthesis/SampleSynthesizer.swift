import BlurdCore
import BlurdMedia

/// Generates training samples on the fly: a sharp, video-like crop of a real photograph, a
/// blur applied to an object-shaped layer, the background or the whole frame (or nothing),
/// then the camera's noise, gain and codec over the whole frame. See `SynthesisConfig` for
/// the mask rule.
///
/// Deterministic for a seed. Not thread-safe: use one instance per thread (they may share a
/// library).
public final class SampleSynthesizer {
    public let library: PhotoLibrary
    public let config: SynthesisConfig
    private var rng: SynthesisRandom
    /// Re-encodes that failed (the sample is then kept without codec artefacts).
    public private(set) var recompressionFailures = 0

    /// What was drawn for the last sample, for inspection and tests.
    public struct Recipe: Sendable {
        public var photoName: String
        public var scale: Float
        public var sharpFraction: Float
        public var composition: CompositionCase
        public var family: BlurFamily?
        public var kernelSigma: Float?
        /// The blur type and direction the kernel gives its pixels.
        public var blurType: BlurTypeLabel?
        public var codec: String?
        public var quality: Int?
        /// Minimum transmission of the haze laid over the scene, when there was haze.
        public var hazeTransmission: Float?
        public var tone = ToneCurve()
    }
    public private(set) var lastRecipe: Recipe?

    /// `config` should have passed `validate()`.
    public init(library: PhotoLibrary, config: SynthesisConfig, seed: UInt64) {
        self.library = library
        self.config = config
        self.rng = SynthesisRandom(seed: seed)
    }

    public func next() -> TrainingSample {
        let margin = config.maxKernelRadius
        var (sharp, recipe) = sharpCanvas()

        if rng.chance(config.nativeSoftnessProbability) {
            sharp = ImageFiltering.gaussianBlur(sharp, sigma: rng.uniform(config.nativeSoftnessSigma))
        }
        if rng.chance(config.hazeProbability) {
            let transmission = rng.uniform(config.hazeTransmission)
            Haze.apply(&sharp, airlight: rng.uniform(config.hazeAirlight), minimumTransmission: transmission, using: &rng)
            recipe.hazeTransmission = transmission
        }

        let composition = pickComposition()
        recipe.composition = composition
        var layers: (image: FloatImage, mask: FloatImage)
        if composition == .allSharp {
            layers = LayerCompositor.allSharp(sharp: sharp, margin: margin)
        } else {
            let (kernel, family) = drawKernel()
            recipe.family = family
            recipe.kernelSigma = kernel.equivalentSigma
            recipe.blurType = BlurTypeLabel(kernel: kernel, family: family)
            switch composition {
            case .blurredBackground:
                layers = LayerCompositor.blurredBackground(sharp: sharp, alpha: objectMask(on: sharp),
                                                           kernel: kernel, margin: margin)
            case .blurredObject:
                layers = LayerCompositor.blurredObject(sharp: sharp, alpha: objectMask(on: sharp),
                                                       kernel: kernel, margin: margin)
            case .wholeFrame, .allSharp:
                layers = LayerCompositor.wholeFrame(sharp: sharp, kernel: kernel, margin: margin)
            }
        }

        var image = layers.image
        var reference = LayerCompositor.interior(sharp, margin: margin)
        degrade(&image, reference: &reference, recipe: &recipe)
        let weight = composition == .allSharp ? nil
            : BlurObservability.weight(composite: layers.image, sharp: reference, mask: layers.mask, tone: recipe.tone,
                                       radius: config.observabilityRadius, levels: config.observabilityLevels)
        lastRecipe = recipe
        return TrainingSample(image: image, mask: layers.mask, weight: weight, blurType: recipe.blurType)
    }

    /// A canvas-sized window of a photo at a random scale, placed where the photo is sharp.
    ///
    /// Random positions are tried on up to `photoAttempts` photos (mostly-bokeh photos rarely
    /// have a sharp enough window); the first window that passes wins, else the sharpest seen.
    private func sharpCanvas() -> (FloatImage, Recipe) {
        let photoAttempts = 4
        let canvas = Float(config.canvasSize)
        let perPhoto = max(1, config.placementAttempts / photoAttempts)
        var best = (photo: library.photos[0], x: Float(0), y: Float(0), scale: Float(1), fraction: Float(-1))
        search: for _ in 0..<photoAttempts {
            let photo = library.photos[rng.integer(0...(library.count - 1))]
            let fit = Float(min(photo.image.width, photo.image.height)) / canvas
            let upper = min(config.scaleRange.upperBound, fit)
            let lower = min(config.scaleRange.lowerBound, upper)
            for _ in 0..<perPhoto {
                let scale = rng.logUniform(lower...upper)
                let span = canvas * scale
                let x = rng.uniform(0...max(0, Float(photo.image.width) - span))
                let y = rng.uniform(0...max(0, Float(photo.image.height) - span))
                let fraction = photo.sharpness.sharpFraction(x: x, y: y, width: span, height: span)
                if fraction > best.fraction { best = (photo, x, y, scale, fraction) }
                if fraction >= config.minimumSharpFraction { break search }
            }
        }
        let filter: ResamplingFilter = rng.chance(config.areaFilterProbability) ? .area : .bilinear
        let window = Resampling.window(of: best.photo.image, x0: best.x, y0: best.y, scale: best.scale,
                                       size: config.canvasSize, filter: filter)
        let recipe = Recipe(photoName: best.photo.name, scale: best.scale, sharpFraction: best.fraction,
                            composition: .allSharp)
        return (window, recipe)
    }

    private func pickComposition() -> CompositionCase {
        let weights = [config.blurredBackgroundWeight, config.blurredObjectWeight,
                       config.wholeFrameWeight, config.allSharpWeight]
        return [CompositionCase.blurredBackground, .blurredObject, .wholeFrame, .allSharp][pick(weights)]
    }

    /// A kernel of a random family whose equivalent sigma meets the mask threshold.
    private func drawKernel() -> (BlurKernel, BlurFamily) {
        let families: [BlurFamily] = [.disk, .gaussian, .box, .linearMotion, .shake]
        let weights = [config.diskWeight, config.gaussianWeight, config.boxWeight,
                       config.linearMotionWeight, config.shakeWeight]
        for _ in 0..<16 {
            let family = families[pick(weights)]
            let kernel: BlurKernel
            switch family {
            case .disk: kernel = .disk(radius: rng.logUniform(config.diskRadius))
            case .gaussian: kernel = .gaussian(sigma: rng.logUniform(config.gaussianSigma))
            case .box: kernel = .box(width: rng.logUniform(config.boxWidth))
            case .linearMotion:
                kernel = .linearMotion(length: rng.logUniform(config.motionLength),
                                       angle: rng.uniform(0...Float.pi))
            case .shake:
                kernel = CameraShake.kernel(extent: rng.logUniform(config.shakeExtent),
                                            anxiety: rng.logUniform(config.shakeAnxiety),
                                            maxRadius: config.maxKernelRadius, using: &rng)
            }
            if kernel.radius <= config.maxKernelRadius && kernel.equivalentSigma >= config.blurThresholdSigma {
                return (kernel, family)
            }
        }
        // Ranges that keep missing the threshold fall back to the threshold Gaussian itself.
        return (.gaussian(sigma: config.blurThresholdSigma), .gaussian)
    }

    /// The union of 1–3 object-shaped regions on the canvas.
    private func objectMask(on sharp: FloatImage) -> FloatImage {
        let kinds: [ObjectProposalKind] = [.fourierContour, .noiseBlob, .regionGrowing]
        let weights = [config.fourierContourWeight, config.noiseBlobWeight, config.regionGrowingWeight]
        var mask = FloatImage(width: sharp.width, height: sharp.height)
        for _ in 0..<rng.integer(config.objectCount) {
            let region = ObjectProposals.region(kinds[pick(weights)], canvas: sharp,
                                                areaFraction: rng.uniform(config.objectAreaFraction), using: &rng)
            for i in mask.pixels.indices where region.pixels[i] > 0 { mask.pixels[i] = 1 }
        }
        return mask
    }

    /// De-interlacing, low light, sensor noise, levels, 8-bit quantisation and codec round trip.
    /// `reference` (the sharp layer) goes through the same de-interlacing, so that
    /// `BlurObservability` compares like with like; the tone curve is left in `recipe.tone`.
    private func degrade(_ image: inout FloatImage, reference: inout FloatImage, recipe: inout Recipe) {
        if rng.chance(config.deinterlaceProbability) {
            let mode: VideoDegradation.Deinterlace = rng.chance(0.5) ? .fieldAveraging : .lineDoubling
            VideoDegradation.deinterlace(&image, mode: mode)
            VideoDegradation.deinterlace(&reference, mode: mode)
        }
        var tone = ToneCurve()
        if rng.chance(config.darkProbability) {
            tone.gain = rng.logUniform(config.darkGain)
            if rng.chance(config.gainUpProbability) { tone.amplification = 1 / tone.gain }
        }
        var readSigma: Float = 0, shotScale: Float = 0
        if rng.chance(config.noiseProbability) {
            readSigma = rng.logUniform(config.readNoiseSigma)
            shotScale = rng.uniform(config.shotNoiseScale)
        }
        if tone.gain != 1 || readSigma > 0 || shotScale > 0 {
            VideoDegradation.sensor(&image, gain: tone.gain, readSigma: readSigma, shotScale: shotScale,
                                    amplification: tone.amplification, using: &rng)
        }
        if rng.chance(config.levelsProbability) {
            tone.contrast = rng.uniform(config.levelsContrast)
            tone.brightness = rng.uniform(config.levelsBrightness)
            VideoDegradation.levels(&image, tone: tone)
        }
        recipe.tone = tone
        VideoDegradation.quantize(&image)
        guard rng.chance(config.recompressProbability) else { return }
        let useX264 = rng.chance(config.x264Fraction)
        let codec = useX264 ? "libx264" : "mjpeg"
        let quality: Int
        if useX264 {
            quality = rng.integer(rng.chance(config.x264LowQualityFraction) ? config.x264LowQualityCRF : config.x264CRF)
        } else {
            quality = rng.integer(config.mjpegQuality)
        }
        do {
            image = FloatImage(try Recompression.roundTrip(image.toGray(), codec: codec, quality: quality))
            recipe.codec = codec
            recipe.quality = quality
        } catch {
            recompressionFailures += 1
        }
    }

    /// Index drawn with probability proportional to its weight.
    private func pick(_ weights: [Float]) -> Int {
        let total = weights.reduce(0, +)
        var u = rng.unit() * total
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.lastIndex { $0 > 0 } ?? 0
    }
}
