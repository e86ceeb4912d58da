/// Every knob of the sample synthesizer, with the defaults of blurd's default model.
///
/// **The mask rule.** A pixel is marked blurred (1) when its content went through a blur kernel
/// whose equivalent Gaussian sigma (`BlurKernel.equivalentSigma`: the standard deviation along
/// the kernel's direction of largest spread) is at least `blurThresholdSigma` (1.5 px); for a
/// blurred object, where the blurred alpha is ≥ 0.5. Every blurred-layer kernel is drawn until
/// it meets that threshold (disk radius ≥ 3, box width ≥ 6, motion length ≥ 6, Gaussian
/// sigma ≥ 1.5, shake measured). A pixel is sharp (0) when its content is the photograph
/// downscaled (area or bilinear, `scaleRange`), or enlarged by at most 1/0.75, plus at most a
/// Gaussian of sigma `nativeSoftnessSigma.upperBound` (0.6 px): in total at most about
/// 0.85 px, so there is a margin of ×1.8 between the classes. Whole-frame degradations
/// (de-interlacing, darkening, gain, sensor noise, MJPEG/H.264 re-encoding) hit both classes
/// alike and never change the mask: the model must ignore them. Haze (contrast lost to a
/// veil, not blur) is laid over the sharp scene before any blur and stays sharp.
///
/// **What the loss sees.** A blurred pixel counts in the loss only where the blur left a
/// visible change (`BlurObservability`, `observabilityLevels`): a kernel over flat sky changes
/// nothing, and the sample must not teach that flat sky is blurred.
public struct SynthesisConfig: Codable, Sendable, Equatable {
    /// Side of the square training crop, in pixels.
    public var cropSize: Int = 192

    // MARK: Crop selection

    /// Photo pixels per crop pixel: > 1 shrinks the photo (video is smaller than photos).
    public var scaleRange: ClosedRange<Float> = 0.75...4.0
    /// Probability of an area-average scaler; otherwise bilinear.
    public var areaFilterProbability: Float = 0.5
    /// A crop is accepted when at least this fraction of its 16×16 photo tiles is sharp.
    public var minimumSharpFraction: Float = 0.65
    /// Random crop positions tried per sample (spread over up to 4 photos) before taking the
    /// sharpest one seen.
    public var placementAttempts: Int = 24

    // MARK: Sharp-layer softness (below the threshold)

    /// Probability of a slight native softness on the sharp content.
    public var nativeSoftnessProbability: Float = 0.6
    /// Sigma range of that softness, in crop pixels.
    public var nativeSoftnessSigma: ClosedRange<Float> = 0.2...0.6

    // MARK: Haze (sharp)

    /// Probability of haze over the sharp scene.
    public var hazeProbability: Float = 0.2
    /// Lowest transmission of the haze (0 = opaque veil), drawn per sample.
    public var hazeTransmission: ClosedRange<Float> = 0.15...0.6
    /// Brightness of the veil (the airlight).
    public var hazeAirlight: ClosedRange<Float> = 0.4...0.95

    // MARK: Composition

    /// Relative weights of the four composition cases.
    public var blurredBackgroundWeight: Float = 0.275
    public var blurredObjectWeight: Float = 0.275
    public var wholeFrameWeight: Float = 0.15
    public var allSharpWeight: Float = 0.3
    /// Number of object regions merged into one object mask.
    public var objectCount: ClosedRange<Int> = 1...3
    /// Area of each object region, as a fraction of the canvas.
    public var objectAreaFraction: ClosedRange<Float> = 0.08...0.45
    /// Relative weights of the proposal kinds.
    public var fourierContourWeight: Float = 0.35
    public var noiseBlobWeight: Float = 0.3
    public var regionGrowingWeight: Float = 0.35

    // MARK: Blur kernels

    /// Minimum equivalent Gaussian sigma of any blurred-layer kernel (the mask threshold).
    public var blurThresholdSigma: Float = 1.5
    /// Relative weights of the kernel families.
    public var diskWeight: Float = 0.25
    public var gaussianWeight: Float = 0.2
    public var boxWeight: Float = 0.15
    public var linearMotionWeight: Float = 0.2
    public var shakeWeight: Float = 0.2
    /// Disk radius, px (log-uniform, like every extent below: small blurs are the hard ones).
    public var diskRadius: ClosedRange<Float> = 3...12
    /// Gaussian sigma, px.
    public var gaussianSigma: ClosedRange<Float> = 1.5...5
    /// Box width, px.
    public var boxWidth: ClosedRange<Float> = 6...25
    /// Linear motion length, px.
    public var motionLength: ClosedRange<Float> = 6...30
    /// Camera-shake path extent (longer side of its bounding box), px.
    public var shakeExtent: ClosedRange<Float> = 6...28
    /// Camera-shake anxiety (Gaussian acceleration per step).
    public var shakeAnxiety: ClosedRange<Float> = 0.005...0.15
    /// Kernel grid half side; also the canvas margin around the crop.
    public var maxKernelRadius: Int = 15

    // MARK: Loss weight

    /// Mean absolute change (grey levels, after the tone curve) over a blurred pixel's window
    /// below which it does not count in the loss, and above which it counts fully.
    public var observabilityLevels: ClosedRange<Float> = 1...3
    /// Half side of that window, px.
    public var observabilityRadius: Int = 3

    // MARK: Whole-frame video degradations

    /// Probability of de-interlacing softness (half field averaging, half line doubling).
    public var deinterlaceProbability: Float = 0.15
    /// Probability of a low-light frame: the scene is darkened by a gain from `darkGain`.
    public var darkProbability: Float = 0.25
    public var darkGain: ClosedRange<Float> = 0.12...0.6
    /// Probability that a dark frame is amplified back (camera gain), noise included.
    public var gainUpProbability: Float = 0.5
    /// Probability of a levels adjustment that crushes the blacks (FFmpeg `eq`: contrast about
    /// mid-grey, then brightness), as a night camera's or a dark grade's curve does.
    public var levelsProbability: Float = 0.15
    public var levelsContrast: ClosedRange<Float> = 0.3...0.8
    public var levelsBrightness: ClosedRange<Float> = -0.25...0
    /// Probability of sensor noise.
    public var noiseProbability: Float = 0.6
    /// Signal-independent (read) noise sigma, in [0, 1] units (log-uniform).
    public var readNoiseSigma: ClosedRange<Float> = 0.002...0.04
    /// Signal-dependent (shot) noise: variance = scale × signal.
    public var shotNoiseScale: ClosedRange<Float> = 0...0.003
    /// Probability of re-encoding through a codec.
    public var recompressProbability: Float = 0.8
    /// Of the re-encoded samples, the fraction that goes through libx264 (else MJPEG).
    public var x264Fraction: Float = 0.5
    /// MJPEG quality scale (FFmpeg qscale: 2 is best, 31 worst).
    public var mjpegQuality: ClosedRange<Int> = 2...31
    /// libx264 constant rate factor.
    public var x264CRF: ClosedRange<Int> = 18...45
    /// Of the libx264 samples, the fraction drawn from `x264LowQualityCRF` instead: at these
    /// rates x264 flattens fine detail, and sharp footage must still read sharp.
    public var x264LowQualityFraction: Float = 0.4
    public var x264LowQualityCRF: ClosedRange<Int> = 36...46

    public init() {}

    /// The canvas the layers are built on: the crop plus a kernel-radius margin on each side.
    public var canvasSize: Int { cropSize + 2 * maxKernelRadius }

    /// Throws when a value cannot work.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw SynthesisError.invalidConfiguration(message) }
        }
        try check(cropSize >= 16, "cropSize must be at least 16 (got \(cropSize))")
        try check(scaleRange.lowerBound > 0, "scaleRange must be positive")
        try check(maxKernelRadius >= 4, "maxKernelRadius must be at least 4")
        // Shake paths are shrunk to fit the grid; the other families must fit as drawn.
        try check(Float(maxKernelRadius) * 2 + 1 >= max(diskRadius.upperBound * 2 + 1, boxWidth.upperBound,
                                                         motionLength.upperBound + 1),
                  "maxKernelRadius \(maxKernelRadius) is too small for the largest blur extent")
        try check(Float(maxKernelRadius) >= 3 * gaussianSigma.upperBound,
                  "maxKernelRadius must be at least 3 × the largest Gaussian sigma")
        try check(blurThresholdSigma > nativeSoftnessSigma.upperBound,
                  "blurThresholdSigma must exceed the sharp layer's softness")
        try check(diskRadius.lowerBound > 0 && gaussianSigma.lowerBound > 0 && boxWidth.lowerBound >= 1
                  && motionLength.lowerBound >= 1 && shakeExtent.lowerBound >= 2, "blur extents must be positive")
        let weights = [blurredBackgroundWeight, blurredObjectWeight, wholeFrameWeight, allSharpWeight,
                       diskWeight, gaussianWeight, boxWeight, linearMotionWeight, shakeWeight,
                       fourierContourWeight, noiseBlobWeight, regionGrowingWeight]
        try check(weights.allSatisfy { $0 >= 0 && $0.isFinite }, "weights must be finite and non-negative")
        try check(darkGain.lowerBound > 0 && darkGain.upperBound <= 1, "darkGain must lie in (0, 1]")
        try check(readNoiseSigma.lowerBound > 0 && shotNoiseScale.lowerBound >= 0, "noise ranges must be positive")
        try check(shakeAnxiety.lowerBound > 0, "shakeAnxiety must be positive")
        try check(blurredBackgroundWeight + blurredObjectWeight + wholeFrameWeight + allSharpWeight > 0,
                  "composition weights sum to zero")
        try check(diskWeight + gaussianWeight + boxWeight + linearMotionWeight + shakeWeight > 0,
                  "blur family weights sum to zero")
        try check(fourierContourWeight + noiseBlobWeight + regionGrowingWeight > 0, "proposal weights sum to zero")
        try check(objectCount.lowerBound >= 1, "objectCount must start at 1 or more")
        try check(objectAreaFraction.lowerBound > 0 && objectAreaFraction.upperBound < 1,
                  "objectAreaFraction must lie in (0, 1)")
        try check(mjpegQuality.lowerBound >= 1 && mjpegQuality.upperBound <= 31, "mjpegQuality must lie in 1...31")
        try check(x264CRF.lowerBound >= 0 && x264CRF.upperBound <= 51
                  && x264LowQualityCRF.lowerBound >= 0 && x264LowQualityCRF.upperBound <= 51, "x264 CRFs must lie in 0...51")
        try check(hazeTransmission.lowerBound >= 0 && hazeTransmission.upperBound <= 1
                  && hazeAirlight.lowerBound >= 0 && hazeAirlight.upperBound <= 1, "haze ranges must lie in [0, 1]")
        try check(levelsContrast.lowerBound > 0, "levelsContrast must be positive")
        try check(observabilityLevels.lowerBound >= 0 && observabilityRadius >= 0, "observability settings must be non-negative")
    }
}
