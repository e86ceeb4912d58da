import BlurdCore
import BlurdSegmenter

/// Normalisation of luma in [0, 1] before the first layer: (x − mean) / std.
public struct InputNormalization: Codable, Sendable, Equatable {
    public var mean: Float
    public var std: Float

    public init(mean: Float, std: Float) {
        self.mean = mean
        self.std = std
    }

    /// Mean and standard deviation of the pixels of `images` (std floored so flat data stays finite).
    public static func measure(_ images: [FloatImage]) -> InputNormalization {
        var sum = 0.0, sumOfSquares = 0.0, count = 0
        for image in images {
            for p in image.pixels {
                sum += Double(p)
                sumOfSquares += Double(p) * Double(p)
            }
            count += image.pixels.count
        }
        guard count > 0 else { return InputNormalization(mean: 0.5, std: 0.25) }
        let mean = sum / Double(count)
        let variance = max(0, sumOfSquares / Double(count) - mean * mean)
        return InputNormalization(mean: Float(mean), std: Float(max(variance.squareRoot(), 1e-3)))
    }
}

/// One minibatch: normalised crops (N×1×S×S), the masks and loss weights area-averaged to
/// the output grid, and each sample's blur-type label.
public struct TrainingBatch {
    public var input: Tensor
    public var target: Tensor
    public var weight: Tensor
    /// The type of each sample's blurred cells (`TrainingSample.blurType`; nil: none).
    public var labels: [BlurTypeLabel?]

    /// Builds a batch from samples of at least `cropSize` pixels a side (larger ones are cropped
    /// at their top-left corner); `outputSize` is the net's output grid for that crop.
    public init(samples: [TrainingSample], cropSize: Int, outputSize: (height: Int, width: Int),
                normalization: InputNormalization) throws {
        guard !samples.isEmpty else { throw TrainingError.data("empty batch") }
        input = Tensor(n: samples.count, c: 1, h: cropSize, w: cropSize)
        target = Tensor(n: samples.count, c: 1, h: outputSize.height, w: outputSize.width)
        weight = Tensor(n: samples.count, c: 1, h: outputSize.height, w: outputSize.width)
        labels = samples.map(\.blurType)
        let scale = 1 / normalization.std
        let outputCount = outputSize.height * outputSize.width
        for (index, sample) in samples.enumerated() {
            let image = sample.image, mask = sample.mask, pixelWeight = sample.weight
            guard image.width >= cropSize, image.height >= cropSize,
                  mask.width == image.width, mask.height == image.height else {
                throw TrainingError.data("sample \(image.width)×\(image.height) (mask \(mask.width)×\(mask.height)) does not cover a \(cropSize) px crop")
            }
            var croppedMask = FloatImage(width: cropSize, height: cropSize)
            var croppedWeight = FloatImage(width: cropSize, height: cropSize)
            let base = index * cropSize * cropSize
            for y in 0..<cropSize {
                for x in 0..<cropSize {
                    input.data[base + y * cropSize + x] = (image.pixels[y * image.width + x] - normalization.mean) * scale
                    croppedMask.pixels[y * cropSize + x] = mask.pixels[y * mask.width + x]
                    croppedWeight.pixels[y * cropSize + x] = pixelWeight.pixels[y * image.width + x]
                }
            }
            let coarse = MaskDownsampling.areaAverage(croppedMask, width: outputSize.width, height: outputSize.height)
            let coarseWeight = MaskDownsampling.areaAverage(croppedWeight, width: outputSize.width, height: outputSize.height)
            for i in 0..<outputCount {
                target.data[index * outputCount + i] = coarse.pixels[i]
                weight.data[index * outputCount + i] = coarseWeight.pixels[i]
            }
        }
    }
}
