import BlurdCore
import XCTest
@testable import BlurdSegmenter

/// Tiled segmentation against one forward pass over the whole (aligned) frame.
final class TilingTests: XCTestCase {
    private let model = ModelFile(network: Network(spec: .blurSegDefault, seed: 3), inputMean: 0.45, inputStd: 0.25,
                                  metadata: [:])

    /// Smooth shading, a few hard-edged boxes and noise: varied enough that the random net's
    /// output is not constant.
    private func frame(width: Int, height: Int, seed: UInt64) -> GrayImage {
        var random = TestRandom(seed: seed)
        var image = GrayImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let shade = 128 + 60 * sin(Float(x) / 23) * cos(Float(y) / 17)
                let box: Float = (x / 40 + y / 30) % 3 == 0 ? 50 : 0
                image[x, y] = UInt8(max(0, min(255, shade + box + random.uniform(-20, 20))))
            }
        }
        return image
    }

    /// What the Segmenter promises: the net on the frame padded (edge repeated) to a multiple
    /// of the alignment, sigmoid, cropped to the output grid.
    private func reference(_ luma: GrayImage, alignment: Int, model: ModelFile? = nil) throws -> FloatImage {
        let model = model ?? self.model
        let net = try Network(model: model)
        let h = (luma.height + alignment - 1) / alignment * alignment, w = (luma.width + alignment - 1) / alignment * alignment
        var input = Tensor(n: 1, c: 1, h: h, w: w)
        for y in 0..<h {
            for x in 0..<w {
                input[0, 0, y, x] = (Float(luma[min(x, luma.width - 1), min(y, luma.height - 1)]) / 255 - model.inputMean) / model.inputStd
            }
        }
        let y = net.forward(input)
        let out = net.outputSize(height: luma.height, width: luma.width)
        var result = FloatImage(width: out.width, height: out.height)
        for oy in 0..<out.height {
            for ox in 0..<out.width { result[ox, oy] = 1 / (1 + exp(-y[0, 0, oy, ox])) }
        }
        return result
    }

    func testANetWithFrameContextStitchesToItsUntiledOutput() throws {
        // blurseg-v3's context (a gap over the whole frame, added to every cell) must be the
        // frame's, not each tile's: with 64 px tiles a 301×157 frame is cut into many.
        let net = Network(spec: .blurSegV3, seed: 5)
        var random = TestRandom(seed: 6)
        for p in net.parameters where p.name.hasSuffix(".bias") { p.value = random.values(p.value.count, -0.1, 0.1) }
        let v3 = ModelFile(network: net, inputMean: 0.45, inputStd: 0.25, metadata: [:])
        let luma = frame(width: 301, height: 157, seed: 9)
        let whole = try Segmenter(model: v3, precision: .fp32, tileSize: 1024, threads: 1).probabilities(luma)
        let expected = try reference(luma, alignment: 8, model: v3)
        for (tile, threads) in [(64, 2), (128, 1)] {
            let segmenter = try Segmenter(model: v3, precision: .fp32, tileSize: tile, threads: threads)
            let tiled = segmenter.probabilities(luma)
            let worst = zip(tiled.pixels, expected.pixels).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(worst, 1e-4, "tile \(tile)")
            // The same segmenter on another frame size, then back: no context left over.
            _ = segmenter.probabilities(frame(width: 64, height: 48, seed: 1))
            XCTAssertLessThanOrEqual(zip(segmenter.probabilities(luma).pixels, tiled.pixels).map { abs($0 - $1) }.max()!, 1e-6)
        }
        XCTAssertLessThanOrEqual(zip(whole.pixels, expected.pixels).map { abs($0 - $1) }.max()!, 1e-4)
        // A saturated output would hide a tile that pooled only its own part of the frame.
        let undecided = expected.pixels.filter { $0 > 0.01 && $0 < 0.99 }.count
        XCTAssertGreaterThan(undecided, expected.pixels.count / 4, "saturated output would hide tiling errors")
    }

    func testStitchedOutputEqualsUntiledOutput() throws {
        // (width, height, tile size): smaller than one tile, odd sizes, inner tiles on both axes
        // (480×480), 640×360, 1280×720.
        for (width, height, tile) in [(30, 20, 64), (5, 3, 64), (301, 157, 64), (480, 480, 64), (640, 360, 128), (1280, 720, 256)] {
            let segmenter = try Segmenter(model: model, precision: .fp32, tileSize: tile, threads: 2)
            let luma = frame(width: width, height: height, seed: UInt64(width))
            let tiled = segmenter.probabilities(luma)
            let expected = try reference(luma, alignment: segmenter.alignment)
            XCTAssertEqual(tiled.width, (width + 3) / 4)
            XCTAssertEqual(tiled.height, (height + 3) / 4)
            XCTAssertEqual(tiled.width, expected.width)
            XCTAssertEqual(tiled.height, expected.height)
            let worst = zip(tiled.pixels, expected.pixels).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(worst, 1e-4, "\(width)×\(height), tile \(tile)")
            let undecided = expected.pixels.filter { $0 > 0.01 && $0 < 0.99 }.count
            XCTAssertGreaterThan(undecided, expected.pixels.count / 4, "saturated output would hide tiling errors")
        }
    }

    func testLayoutCoversTheFrameWithAlignedTiles() {
        for (width, height, tileSize, threads) in [(642, 360, 128, 2), (1920, 1080, 256, 2), (1920, 1080, 8, 1), (30, 20, 64, 4)] {
            let layout = TileLayout(height: height, width: width, tileSize: tileSize, halo: 136, alignment: 8, threads: threads)
            let paddedWidth = (width + 7) / 8 * 8, paddedHeight = (height + 7) / 8 * 8
            var covered = [Int](repeating: 0, count: paddedWidth * paddedHeight)
            for t in layout.tiles {
                for v in [t.x0, t.y0, t.x1, t.y1, t.coreX0, t.coreY0, t.coreX1, t.coreY1] { XCTAssertEqual(v % 8, 0) }
                XCTAssertLessThanOrEqual(t.x1 - t.x0, tileSize + 2 * 136)
                XCTAssertLessThanOrEqual(t.y1 - t.y0, tileSize + 2 * 136)
                XCTAssertEqual(t.x0, max(0, t.coreX0 - 136))
                XCTAssertEqual(t.x1, min(paddedWidth, t.coreX1 + 136))
                XCTAssertEqual(t.y0, max(0, t.coreY0 - 136))
                XCTAssertEqual(t.y1, min(paddedHeight, t.coreY1 + 136))
                for y in t.coreY0..<t.coreY1 { for x in t.coreX0..<t.coreX1 { covered[y * paddedWidth + x] += 1 } }
            }
            XCTAssertEqual(Set(covered), [1], "\(width)×\(height): every padded pixel belongs to exactly one core")
        }
        // 640×360 fits in two 456×360 tiles, one per thread; cores of 256 would need six tiles.
        XCTAssertEqual(TileLayout(height: 360, width: 640, tileSize: 256, halo: 136, alignment: 8, threads: 2).tiles.count, 2)
        XCTAssertEqual(TileLayout(height: 20, width: 30, tileSize: 256, halo: 136, alignment: 8, threads: 2).tiles.count, 1)
        // The stitching test's 480×480 at tile size 64 has tiles with neighbours on all four sides.
        XCTAssertTrue(TileLayout(height: 480, width: 480, tileSize: 64, halo: 136, alignment: 8, threads: 2).tiles
            .contains { $0.x0 > 0 && $0.y0 > 0 && $0.x1 < 480 && $0.y1 < 480 })
    }

    func testHaloCoversTheReceptiveField() throws {
        let segmenter = try Segmenter(model: model, precision: .fp32, threads: 1)
        XCTAssertEqual(segmenter.alignment, 8)
        XCTAssertEqual(segmenter.outputStride, 4)
        // The reach (135, see GeometryTests) rounded up to the alignment; 128 is measurably too
        // little: stitched outputs then differ by about 5e-3.
        XCTAssertEqual(segmenter.halo, 136)
        XCTAssertEqual(segmenter.tileSize, Segmenter.defaultTileSize)
    }

    func testMemoryDependsOnTileSizeNotFrameSize() throws {
        // A small net keeps this fast; the bound is a property of the tiling, not of the net.
        let spec = NetworkSpec(name: "small", inChannels: 1, layers: [
            .conv(4, s: 2), .conv(4, s: 2, save: "q"), .conv(4, d: 2), .up(to: "q"), .conv(1, k: 1, act: .none),
        ])
        var networks: [Network] = []
        let segmenter = try Segmenter(inputMean: 0.45, inputStd: 0.25, precision: .fp32, tileSize: 64, threads: 1) {
            let net = Network(spec: spec, seed: 1)
            networks.append(net)
            return net
        }
        // Buffers grow to the largest tile seen and never beyond one tile with its halo on
        // every side, however large the frame.
        let side = 64 + 2 * segmenter.halo
        let oneTile = Network(spec: spec, seed: 1)
        _ = oneTile.forward(Tensor(n: 1, c: 1, h: side, w: side))
        for (width, height) in [(640, 360), (1920, 1080)] {
            _ = segmenter.probabilities(frame(width: width, height: height, seed: 1))
            XCTAssertLessThanOrEqual(networks[0].reservedBytes, oneTile.reservedBytes, "\(width)×\(height)")
        }
        XCTAssertGreaterThan(networks[0].reservedBytes, oneTile.reservedBytes * 3 / 4)
    }

    func testInt8TilesStitchLikeFp32Tiles() throws {
        var int8Model = model
        try int8Model.addInt8(calibration: [frame(width: 96, height: 64, seed: 7), frame(width: 64, height: 96, seed: 8)])
        let luma = frame(width: 301, height: 157, seed: 9)
        let tiled = try Segmenter(model: int8Model, precision: .int8, tileSize: 64, threads: 2).probabilities(luma)
        let whole = try Segmenter(model: int8Model, precision: .int8, tileSize: 512, threads: 1).probabilities(luma)
        XCTAssertEqual(tiled.width, whole.width)
        XCTAssertLessThanOrEqual(zip(tiled.pixels, whole.pixels).map { abs($0 - $1) }.max()!, 1e-4)
    }

    func testInt8NeedsAModelWithInt8Weights() {
        XCTAssertThrowsError(try Segmenter(model: model, precision: .int8, threads: 1)) { error in
            XCTAssertTrue("\(error)".contains("int8"), "\(error)")
        }
    }

    func testBadInputsAreRejected() {
        XCTAssertThrowsError(try Segmenter(model: model, precision: .fp32, tileSize: 0))
        let twoChannels = NetworkSpec(name: "rgb", inChannels: 3, layers: [.conv(1, act: .none)])
        XCTAssertThrowsError(try Segmenter(inputMean: 0, inputStd: 1, precision: .fp32) { Network(spec: twoChannels, seed: 1) })
        let segmenter = try? Segmenter(model: model, precision: .fp32, threads: 1)
        XCTAssertEqual(segmenter?.probabilities(GrayImage(width: 0, height: 0)).pixels.count, 0)
    }
}
