import BlurdCore
import BlurdSegmenter

/// The CNN method (`--method cnn`, the default): the blur-segmentation net's probability map,
/// behind the texture gate, with the calibrated `SharpnessScore`.
///
/// Per frame:
/// 1. The `TextureGate` runs first; a `no_texture` frame gets no score, an unknown mask, and the
///    net does not run at all (a covered lens must not read "blurred").
/// 2. The `Segmenter` gives the blur probability at ¼ resolution; the `BlurMap` is that output
///    grid (a cell per 4×4 analysis pixels), 8-bit, 255 = blurred. Map cells whose centre lies
///    in a flat gate cell carry no evidence of their own (the net was not taught to call flat
///    content either way, see docs/MODEL.md): they take `FlatCellFill`'s verdict, the weighted
///    mean of the net's values on the textured gate cells around them.
/// 3. `blurredFraction` is the share of map cells at probability ≥ 0.5 among the cells whose
///    centre lies in a textured gate cell, so it does not move with how much of the scene is
///    flat. (So it can differ from the mask's blurred share.)
/// 4. The score combines the net's mean probability over the same textured cells with the
///    multi-octave energy ratios (`SharpnessScore`).
/// 5. A model with blur-type heads (blurseg-v3) also types the same blurred textured cells as
///    defocus or motion and reads the motion's direction (`BlurTypeSummary`).
///
/// Each pipeline worker gets its own analyzer, and by default its segmenter runs one thread: the
/// pipeline already keeps one worker per core busy, and frame-level parallelism needs no halo
/// recomputation, unlike splitting one frame into more tiles. Measured on this 2-core machine,
/// 640×360, 600 frames: two 1-thread workers 360–370 fps int8, 115–118 fps fp32; one analyzer
/// with two tile threads 308 and 109 fps.
public final class CNNAnalyzer: FrameAnalyzer {
    /// The model and how to run it.
    public struct Configuration: Sendable {
        public var model: ModelFile
        public var precision: Segmenter.Precision
        /// Tile core side in pixels (memory is bounded by the tile, not the frame).
        public var tileSize: Int
        /// Segmenter threads inside one analyzer.
        public var threads: Int

        public init(model: ModelFile, precision: Segmenter.Precision = .int8, tileSize: Int = Segmenter.defaultTileSize, threads: Int = 1) {
            self.model = model
            self.precision = precision
            self.tileSize = tileSize
            self.threads = threads
        }
    }

    private let segmenter: Segmenter
    /// Output channels of the blur-type heads, when the model has them (blurseg-v3).
    private let typeChannels: (blur: Int, motion: Int, angle: Int, angleConfidence: Int)?
    private let gate = TextureGate()
    private let octaves = SharpnessScoreOctaves()
    private var grid: TileGrid?
    /// The gate cell of each output cell (by the output cell's centre pixel), for `grid`.
    private var gateCellOfOutput: [Int] = []

    public init(configuration: Configuration) throws {
        segmenter = try Segmenter(model: configuration.model, precision: configuration.precision,
                                  tileSize: configuration.tileSize, threads: configuration.threads)
        let spec = configuration.model.spec
        if let blur = spec.head(OutputHead.blur), let motion = spec.head(OutputHead.motion),
           let angle = spec.head(OutputHead.angle), angle.channels.count == 2,
           let confidence = spec.head(OutputHead.angleConfidence) {
            typeChannels = (blur.channel, motion.channel, angle.channel, confidence.channel)
        } else {
            typeChannels = nil
        }
    }

    public func analyze(_ luma: GrayImage) throws -> FrameAnalysis {
        let grid = self.grid(for: luma)
        let texture = gate.measure(luma, grid: grid)
        guard texture.state == .ok else { return .noTexture(grid: grid) }

        let maps = typeChannels == nil ? [segmenter.probabilities(luma)] : segmenter.outputMaps(luma)
        let probabilities = maps[typeChannels?.blur ?? 0]
        var types = BlurTypeSummary.Accumulator()
        let gateCells = gateCells(outputWidth: probabilities.width, outputHeight: probabilities.height, grid: grid)
        var gateSums = [Double](repeating: 0, count: grid.cellCount)
        var gateCounts = [Int](repeating: 0, count: grid.cellCount)
        var texturedCells = 0, blurredCells = 0
        var probabilitySum = 0.0
        for y in 0..<probabilities.height {
            for x in 0..<probabilities.width {
                let probability = probabilities[x, y]
                guard probability.isFinite else { throw CNNAnalyzerError.nonFiniteOutput }
                let cell = gateCells[y * probabilities.width + x]
                guard texture.texturedCells[cell] else { continue }
                let byte = CNNAnalyzer.byte(probability)
                gateSums[cell] += Double(byte) / 255
                gateCounts[cell] += 1
                texturedCells += 1
                probabilitySum += Double(byte) / 255
                if byte >= BlurMap.blurredThreshold {
                    blurredCells += 1
                    if let c = typeChannels {
                        let i = y * probabilities.width + x
                        types.addBlurred(motionProbability: maps[c.motion].pixels[i], cos2: maps[c.angle].pixels[i],
                                         sin2: maps[c.angle + 1].pixels[i], angleConfidence: maps[c.angleConfidence].pixels[i])
                    }
                } else {
                    types.addSharp()
                }
            }
        }
        // The gate found textured cells, but at tiny frame sizes no output cell may land in one.
        guard texturedCells > 0 else { return .noTexture(grid: grid) }
        let covered = gateCounts.map { $0 > 0 }
        let gateMeans = zip(gateSums, gateCounts).map { $1 > 0 ? $0 / Double($1) : 0 }
        guard let filled = FlatCellFill.fill(gateMeans, textured: covered, width: grid.width, height: grid.height) else {
            return .noTexture(grid: grid)
        }
        var map = BlurMap(width: probabilities.width, height: probabilities.height)
        for y in 0..<probabilities.height {
            for x in 0..<probabilities.width {
                let cell = gateCells[y * probabilities.width + x]
                map[x, y] = covered[cell] ? CNNAnalyzer.byte(probabilities[x, y]) : CNNAnalyzer.byte(Float(filled[cell]))
            }
        }
        var typeMap: BlurTypeMap?
        if let c = typeChannels {
            let angles = zip(maps[c.angle].pixels, zip(maps[c.angle + 1].pixels, maps[c.angleConfidence].pixels)).map {
                BlurTypeMap.angleByte(cos2: $0, sin2: $1.0, confidence: $1.1)
            }
            typeMap = BlurTypeMap(width: probabilities.width, height: probabilities.height,
                                  motion: maps[c.motion].pixels.map { CNNAnalyzer.byte($0.isFinite ? $0 : 0) }, angle: angles)
        }
        let score = SharpnessScore(meanBlurProbability: probabilitySum / Double(texturedCells),
                                   octaveRatios: octaves.energyRatios(luma, grid: grid, texture: texture))
        return FrameAnalysis(state: .ok, score: score.value,
                             blurredFraction: Double(blurredCells) / Double(texturedCells), map: map,
                             blurType: typeChannels == nil ? nil : types.summary, typeMap: typeMap)
    }

    /// A probability as the map's byte.
    private static func byte(_ probability: Float) -> UInt8 {
        UInt8((min(1, max(0, probability)) * 255).rounded())
    }

    private func grid(for luma: GrayImage) -> TileGrid {
        if let grid, grid.imageWidth == luma.width, grid.imageHeight == luma.height { return grid }
        let grid = TileGrid(imageWidth: luma.width, imageHeight: luma.height)
        self.grid = grid
        gateCellOfOutput = []
        return grid
    }

    /// `gateCellOfOutput`, made once per frame size.
    private func gateCells(outputWidth: Int, outputHeight: Int, grid: TileGrid) -> [Int] {
        if gateCellOfOutput.count == outputWidth * outputHeight { return gateCellOfOutput }
        let stride = segmenter.outputStride
        gateCellOfOutput = (0..<outputHeight).flatMap { y in
            (0..<outputWidth).map { x in
                grid.rowOfPixel[min(y * stride + stride / 2, grid.imageHeight - 1)] * grid.width
                    + grid.columnOfPixel[min(x * stride + stride / 2, grid.imageWidth - 1)]
            }
        }
        return gateCellOfOutput
    }
}

/// Why the CNN analyzer cannot judge a frame.
public enum CNNAnalyzerError: BlurdError {
    /// The net produced NaN or infinity: the model file's weights are broken.
    case nonFiniteOutput

    /// It happens while frames are analysed, after the input opened.
    public var exitCode: Int32 { 7 }

    /// A live stream reconnects after it, as after any failure while analysing.
    public var isRetryable: Bool { true }

    public var description: String {
        switch self {
        case .nonFiniteOutput: return "the model produced a non-finite blur probability (broken weights?)"
        }
    }
}
