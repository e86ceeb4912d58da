import BlurdCore
@testable import BlurdAnalysis
import BlurdSegmenter
import BlurdTestSupport
import XCTest

/// Scenes for the CNN analyzer and score tests: natural-looking content (a dead-leaves model:
/// overlapping discs with power-law radii, which has the 1/f spectrum and sharp occlusion edges
/// of real scenes), and the camera cases of the robustness set made small.
enum CNNAnalyzerScenes {
    static let width = 320, height = 192

    /// Discs of random grey painted over each other; radii ∝ r⁻³ between 3 and 60 px.
    static func deadLeaves(seed: UInt64, low: Double = 20, high: Double = 235) -> GrayImage {
        var random = SeededRandom(seed: seed)
        var image = SyntheticFrames.uniform(width: width, height: height, value: UInt8((low + high) / 2))
        for _ in 0..<900 {
            let u = random.uniform()
            // Inverse CDF of p(r) ∝ r⁻³ on [3, 60].
            let radius = 1 / (1 / 9.0 - u * (1 / 9.0 - 1 / 3600.0)).squareRoot()
            let cx = random.uniform() * Double(width), cy = random.uniform() * Double(height)
            let value = UInt8(low + random.uniform() * (high - low))
            let x0 = max(0, Int(cx - radius)), x1 = min(width - 1, Int(cx + radius))
            let y0 = max(0, Int(cy - radius)), y1 = min(height - 1, Int(cy + radius))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 where (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy) <= radius * radius {
                    image[x, y] = value
                }
            }
        }
        return image
    }

    /// Levels scaled into [0, `peak`] (a dark exposure).
    static func darkened(_ image: GrayImage, peak: Double) -> GrayImage {
        GrayImage(width: image.width, height: image.height,
                  pixels: image.pixels.map { UInt8((Double($0) * peak / 255).rounded()) })
    }

    /// A covered lens: a dark frame blurred beyond recognition, with sensor noise.
    static func coveredLens(seed: UInt64) -> GrayImage {
        let dark = darkened(deadLeaves(seed: seed), peak: 40)
        return SyntheticFrames.addNoise(GaussianBlur.apply(dark, sigma: 24), sigma: 2, seed: seed &+ 1)
    }

    /// `image` with columns `[fromX, toX)` blurred by a Gaussian of `sigma`.
    static func regionBlurred(_ image: GrayImage, sigma: Double, fromX: Int, toX: Int) -> GrayImage {
        GaussianBlur.apply(image, sigma: sigma, fromX: fromX, toX: toX)
    }

    /// The model built into blurd; skips the test while it is the random-weight placeholder
    /// (the assertions that use it describe what the trained model must do).
    static func trainedModel() throws -> ModelFile {
        let model = try DefaultModel.load()
        if model.metadata["weights"]?.contains("untrained") == true {
            throw XCTSkip("the embedded model is the untrained placeholder; this test needs the trained default model")
        }
        return model
    }

    /// A CNN analyzer on the embedded model (any weights), fp32.
    static func analyzer(model: ModelFile? = nil) throws -> CNNAnalyzer {
        try CNNAnalyzer(configuration: CNNAnalyzer.Configuration(model: model ?? DefaultModel.load(), precision: .fp32))
    }
}
