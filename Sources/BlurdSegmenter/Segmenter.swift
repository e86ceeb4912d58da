import BlurdCore
import Foundation
import Synchronization

/// Why a `Segmenter` cannot be built.
public struct SegmenterError: BlurdError {
    public let description: String
    init(_ description: String) { self.description = description }

    /// A model or tile size that cannot be used, as given by an option or a config value.
    public var exitCode: Int32 { 2 }

    /// A stream's model is loaded and checked before its first connection, which fails the
    /// stream outright; met during a connection, it is retried like any analyzer failure.
    public var isRetryable: Bool { true }
}

/// Runs a segmentation net over whole frames, tile by tile, in parallel.
///
/// The frame is first padded on the right and bottom (edge pixels repeated) to a multiple of
/// the net's coarsest internal stride, the `alignment`, and the result is cropped back to
/// `outputSize`: every resize ratio inside the net is then exact, which is what makes tiles
/// stitch seamlessly. Each tile is a core plus a `halo` of context on every side that has a
/// neighbour, at most `tileSize + 2·halo` pixels on a side; the halo covers the receptive
/// field, and tiles start on multiples of the alignment, so the stitched output equals one
/// forward pass over the padded frame. Memory is bounded by the tile size: each worker owns one
/// network sized for one tile.
///
/// In fp32, tiles keep the cores busy, one network per thread, so `probabilities` sets
/// OpenBLAS to one thread (process-wide) before running them; in int8, one network runs the
/// tiles in turn and splits each layer over the threads. A Segmenter serves one caller at a
/// time (its workers and tile layout are reused between frames); give each concurrent stream
/// its own.
public final class Segmenter {
    public enum Precision: String, Sendable, CaseIterable { case fp32, int8 }

    /// The default tile core side. A 640×360 analysis frame runs as one tile (no halo work at
    /// all), and 1080p as two of 1088×1080, 1.13× the frame's area where 640 px tiles made six
    /// (1.56×). Measured with `blurd analyze` at 1080p, `--full-resolution`, int8, 4 s of
    /// video: 35 CPU-s against 48.7 with 640 px tiles, for 253 MB peak memory against 212.
    public static let defaultTileSize = 1024

    public let precision: Precision
    /// Core side of a tile with neighbours all round, in input pixels (rounded up to the
    /// alignment); tiles never exceed `tileSize + 2·halo` on a side.
    public let tileSize: Int
    public let threads: Int
    /// Input pixels of context added around each tile core.
    public let halo: Int
    public let receptiveField: Int
    /// Input pixels per output pixel.
    public let outputStride: Int
    /// Frames are padded to a multiple of this many pixels (the net's coarsest stride).
    public let alignment: Int
    private let plan: NetworkPlan
    private let workers: [TileWorker]
    /// Luma code → normalised input value.
    private let normalised: [Float]
    /// The net's output heads (`OutputHead`; one `blur` head for version-1 models).
    public let heads: [OutputHead]
    /// The output channel of the blur head.
    private let blurChannel: Int
    /// Per output channel: whether it holds logits (read through a sigmoid).
    private let channelIsLogit: [Bool]
    private var layout: TileLayout?

    /// The model's net at `precision`, one instance per thread.
    public convenience init(model: ModelFile, precision: Precision, tileSize: Int = defaultTileSize,
                            threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        switch precision {
        case .fp32:
            try self.init(inputMean: model.inputMean, inputStd: model.inputStd, precision: .fp32, tileSize: tileSize,
                          threads: threads) { try Network(model: model) }
        case .int8:
            try self.init(inputMean: model.inputMean, inputStd: model.inputStd, precision: .int8, tileSize: tileSize,
                          threads: threads) { try QuantizedNetwork(model: model) }
        }
    }

    /// Tiles run on networks made by `makeNetwork` (called once per thread).
    public init(inputMean: Float, inputStd: Float, precision: Precision, tileSize: Int = defaultTileSize,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                makeNetwork: () throws -> TileNetwork) throws {
        guard inputStd > 0, inputStd.isFinite, inputMean.isFinite else {
            throw SegmenterError("input normalisation mean \(inputMean), std \(inputStd) is not usable")
        }
        guard tileSize > 0, threads > 0 else { throw SegmenterError("tile size and threads must be positive") }
        // The int8 net splits each layer's rows over the threads itself, so one net runs the
        // tiles one after another and the layout only has to keep halos few: measured at
        // 640×360 on 2 threads, one frame-sized tile so took 27.7 ms of CPU against 57 ms as two
        // half tiles on one thread each. fp32 layers are OpenBLAS calls too small to thread
        // well (49 ms whole frame on 2 BLAS threads against 31 ms as two tiles), so fp32 keeps
        // one single-threaded net per thread, each on its own tiles.
        let first = try makeNetwork()
        let networks: [TileNetwork]
        if let quantized = first as? QuantizedNetwork {
            quantized.threads = threads
            networks = [quantized]
        } else {
            networks = try [first] + (1..<threads).map { _ in try makeNetwork() }
        }
        let spec = networks[0].spec
        let plan = try NetworkPlan(spec: spec)
        guard spec.inChannels == 1, let blur = spec.head(OutputHead.blur) else {
            throw SegmenterError("\(spec.name) maps \(spec.inChannels) channels to no blur map; segmenting luma needs 1 input channel and a blur head")
        }
        guard plan.alignment % plan.outputStride == 0,
              [1, 2, 3].allSatisfy({ plan.sizes(height: $0 * plan.alignment, width: plan.alignment).last!
                                      == ($0 * plan.alignment / plan.outputStride, plan.alignment / plan.outputStride) }) else {
            throw SegmenterError("\(spec.name) does not map aligned tiles to aligned outputs, so it cannot be tiled")
        }
        self.precision = precision
        self.plan = plan
        self.threads = threads
        alignment = plan.alignment
        receptiveField = plan.receptiveField
        outputStride = plan.outputStride
        self.tileSize = (tileSize + alignment - 1) / alignment * alignment
        halo = (plan.reach + alignment - 1) / alignment * alignment
        workers = networks.map { TileWorker(network: $0) }
        normalised = (0..<256).map { (Float($0) / 255 - inputMean) / inputStd }
        let heads = spec.resolvedHeads
        self.heads = heads
        blurChannel = blur.channel
        channelIsLogit = (0..<plan.outChannels).map { c in heads.first { $0.channels.contains(c) }?.kind == .logit }
    }

    /// Output grid size for a frame: ceil(height / stride) × ceil(width / stride) for blurd's nets.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        plan.sizes(height: height, width: width).last!
    }

    /// Sigmoid output on the net's output grid, values in [0,1], 1 = blurred.
    public func probabilities(_ luma: GrayImage) -> FloatImage {
        maps(luma, channels: [blurChannel])[0]
    }

    /// Every output channel on the net's output grid, in channel order: logit channels
    /// through a sigmoid (probabilities), the others as the net gives them (`heads` says
    /// which channel is what).
    public func outputMaps(_ luma: GrayImage) -> [FloatImage] {
        maps(luma, channels: Array(channelIsLogit.indices))
    }

    private func maps(_ luma: GrayImage, channels: [Int]) -> [FloatImage] {
        let out = outputSize(height: luma.height, width: luma.width)
        let plane = out.width * out.height
        var result = [Float](repeating: 0, count: channels.count * plane)
        func split() -> [FloatImage] {
            (0..<channels.count).map { FloatImage(width: out.width, height: out.height, pixels: Array(result[($0 * plane)..<(($0 + 1) * plane)])) }
        }
        guard luma.width > 0, luma.height > 0, out.width > 0, out.height > 0 else { return split() }
        if layout?.height != luma.height || layout?.width != luma.width {
            layout = TileLayout(height: luma.height, width: luma.width, tileSize: tileSize, halo: halo,
                                alignment: alignment, threads: workers.count)
        }
        let tiles = layout!.tiles
        let workers = workers, normalised = normalised, sigmoid = channels.map { channelIsLogit[$0] }
        let next = TileCounter()
        BLAS.setThreads(1)
        result.withUnsafeMutableBufferPointer { output in
            luma.pixels.withUnsafeBufferPointer { pixels in
                let job = TileJob(pixels: pixels, width: luma.width, height: luma.height, output: output,
                                  outWidth: out.width, outHeight: out.height, stride: outputStride, channels: channels)
                setFrameContext(tiles: tiles, job: job)
                DispatchQueue.concurrentPerform(iterations: min(workers.count, tiles.count)) { w in
                    while let t = next.take(below: tiles.count) {
                        workers[w].run(tiles[t], job: job, normalised: normalised, sigmoid: sigmoid)
                    }
                }
            }
        }
        return split()
    }

    /// For a net with `gap` layers cut into several tiles: measures each `gap`'s input over the
    /// whole frame (one pass over the tiles per `gap`) and gives every worker the means, so
    /// the tiles see the frame's context and stitch to the untiled output
    /// (`NetworkFrameContext`). A single tile pools its own input, which is the whole frame.
    private func setFrameContext(tiles: [Tile], job: TileJob) {
        let count = workers[0].network.frameContextCount
        guard count > 0 else { return }
        var context: [[Float]] = []
        if tiles.count > 1 {
            let workers = workers, normalised = normalised
            for index in 0..<count {
                let fixed = context
                let total = Mutex<(sums: [Double], cells: Int)>(([], 0))
                let next = TileCounter()
                DispatchQueue.concurrentPerform(iterations: min(workers.count, tiles.count)) { w in
                    workers[w].network.setFrameContext(fixed)
                    while let t = next.take(below: tiles.count) {
                        let part = workers[w].contextSum(tiles[t], index: index, job: job, normalised: normalised)
                        total.withLock { total in
                            if total.sums.isEmpty { total.sums = [Double](repeating: 0, count: part.sums.count) }
                            for c in part.sums.indices { total.sums[c] += part.sums[c] }
                            total.cells += part.cells
                        }
                    }
                }
                let (sums, cells) = total.withLock { $0 }
                context.append(sums.map { Float($0 / Double(max(cells, 1))) })
            }
        }
        for worker in workers { worker.network.setFrameContext(context) }
    }
}

/// Where one tile reads and writes, in coordinates of the aligned (padded) frame.
struct Tile {
    /// Input region [x0, x1) × [y0, y1): the core plus the halo, clipped to the padded frame.
    let x0: Int, y0: Int, x1: Int, y1: Int
    /// Core [coreX0, coreX1) × [coreY0, coreY1) whose output this tile owns.
    let coreX0: Int, coreY0: Int, coreX1: Int, coreY1: Int
}

/// The tiles covering a frame size.
///
/// Each tile, halo included, is at most `tileSize + 2·halo` pixels on a side, which bounds a
/// worker's memory. Within that bound the layout takes the numbers of tiles across and down
/// that finish soonest on `threads` workers: every extra cut costs two halos of recomputation,
/// so a frame that fits in a couple of tiles is not cut into many small ones.
struct TileLayout {
    let height: Int, width: Int
    let tiles: [Tile]

    init(height: Int, width: Int, tileSize: Int, halo: Int, alignment: Int, threads: Int) {
        self.height = height
        self.width = width
        let maxSide = tileSize + 2 * halo
        let columns = Self.axisCuts(length: width, maxSide: maxSide, halo: halo, alignment: alignment)
        let rows = Self.axisCuts(length: height, maxSide: maxSide, halo: halo, alignment: alignment)
        var best: (makespan: Int, tiles: [Tile]) = (.max, [])
        for xs in columns {
            for ys in rows {
                let tiles = Self.tiles(xs: xs, ys: ys, halo: halo)
                let makespan = Self.makespan(tiles.map { ($0.x1 - $0.x0) * ($0.y1 - $0.y0) }, threads: threads)
                if makespan < best.makespan { best = (makespan, tiles) }
            }
        }
        self.tiles = best.tiles
    }

    /// Candidate cuts of one padded axis: the four smallest part counts whose parts fit in
    /// `maxSide` with their halos, parts sized so that their tiles (core plus halo on each inner
    /// side) are about equal (border cores are one halo longer than inner ones), and equal cores.
    static func axisCuts(length: Int, maxSide: Int, halo: Int, alignment: Int) -> [[Int]] {
        let padded = max(1, (length + alignment - 1) / alignment) * alignment
        var candidates: [[Int]] = []
        for parts in 1...(padded / alignment) {
            let tile = Double(padded + 2 * halo * (parts - 1)) / Double(parts)
            var cuts = [0]
            for k in 1..<parts {
                let position = Double(k) * (tile - 2 * Double(halo)) + Double(halo)
                let aligned = Int((position / Double(alignment)).rounded()) * alignment
                guard aligned > cuts.last!, aligned < padded else { break }
                cuts.append(aligned)
            }
            guard cuts.count == parts else { continue }
            cuts.append(padded)
            let sides = (0..<parts).map { min(padded, cuts[$0 + 1] + halo) - max(0, cuts[$0] - halo) }
            guard sides.max()! <= maxSide else { continue }
            candidates.append(cuts)
            // More parts than this only add halos unless they are needed to keep workers busy.
            if candidates.count >= 4 { break }
        }
        // Equal cores of at most `tileSize` always fit, whatever the rounding above did.
        let tileSize = maxSide - 2 * halo
        let parts = (padded + tileSize - 1) / tileSize, blocks = padded / alignment
        candidates.append((0...parts).map { $0 * blocks / parts * alignment })
        return candidates
    }

    static func tiles(xs: [Int], ys: [Int], halo: Int) -> [Tile] {
        var tiles: [Tile] = []
        for (top, bottom) in zip(ys, ys.dropFirst()) {
            for (left, right) in zip(xs, xs.dropFirst()) {
                tiles.append(Tile(x0: max(0, left - halo), y0: max(0, top - halo),
                                  x1: min(xs.last!, right + halo), y1: min(ys.last!, bottom + halo),
                                  coreX0: left, coreY0: top, coreX1: right, coreY1: bottom))
            }
        }
        return tiles
    }

    /// Finishing time of tiles with the given areas on `threads` workers, each taking the next
    /// tile when it is free (largest first, a close model of the shared counter).
    static func makespan(_ areas: [Int], threads: Int) -> Int {
        var loads = [Int](repeating: 0, count: max(1, threads))
        for area in areas.sorted(by: >) {
            let i = loads.indices.min { loads[$0] < loads[$1] }!
            loads[i] += area
        }
        return loads.max()!
    }
}

/// The frame being segmented, shared read-only by the workers; each writes only its cores.
// Unchecked: the buffers stay valid until concurrentPerform returns, `pixels` is only read, and
// each tile writes only the output cells of its own core.
struct TileJob: @unchecked Sendable {
    let pixels: UnsafeBufferPointer<UInt8>
    let width: Int, height: Int
    let output: UnsafeMutableBufferPointer<Float>
    let outWidth: Int, outHeight: Int
    let stride: Int
    /// The output channels copied to `output`, one plane of outWidth × outHeight each, in order.
    let channels: [Int]
}

/// Hands out tile indices to the workers one at a time, so a slow tile does not hold up others.
final class TileCounter: Sendable {
    private let next = Mutex(0)

    func take(below count: Int) -> Int? {
        next.withLock { next in
            guard next < count else { return nil }
            next += 1
            return next - 1
        }
    }
}

/// One thread's network and input buffer.
// Unchecked: a Segmenter segments one frame at a time and, within a frame, worker `w` is used
// only by concurrentPerform's iteration `w`, so each network and input buffer has one user.
final class TileWorker: @unchecked Sendable {
    let network: TileNetwork
    private var input = Tensor(n: 1, c: 1, h: 0, w: 0)

    init(network: TileNetwork) { self.network = network }

    /// The sums of `gap` layer `index`'s input over the tile's core (`Network.frameContextSum`).
    func contextSum(_ tile: Tile, index: Int, job: TileJob, normalised: [Float]) -> (sums: [Double], cells: Int) {
        fill(tile, job: job, normalised: normalised)
        return network.frameContextSum(input, index: index, x0: tile.coreX0 - tile.x0, y0: tile.coreY0 - tile.y0,
                                       x1: tile.coreX1 - tile.x0, y1: tile.coreY1 - tile.y0)
    }

    /// `sigmoid[k]`: whether `job.channels[k]` goes through a sigmoid.
    func run(_ tile: Tile, job: TileJob, normalised: [Float], sigmoid: [Bool]) {
        fill(tile, job: job, normalised: normalised)
        let y = network.forward(input)
        let s = job.stride
        let rowEnd = min(tile.coreY1 / s, job.outHeight), colEnd = min(tile.coreX1 / s, job.outWidth)
        let plane = job.outWidth * job.outHeight
        for (k, channel) in job.channels.enumerated() {
            for oy in (tile.coreY0 / s)..<max(tile.coreY0 / s, rowEnd) {
                let src = (channel * y.h + oy - tile.y0 / s) * y.w - tile.x0 / s
                for ox in (tile.coreX0 / s)..<max(tile.coreX0 / s, colEnd) {
                    let v = y.data[src + ox]
                    job.output[k * plane + oy * job.outWidth + ox] = sigmoid[k] ? 1 / (1 + exp(-v)) : v
                }
            }
        }
    }

    /// The tile's normalised luma in `input`.
    private func fill(_ tile: Tile, job: TileJob, normalised: [Float]) {
        let h = tile.y1 - tile.y0, w = tile.x1 - tile.x0
        if input.h != h || input.w != w { input = Tensor(n: 1, c: 1, h: h, w: w) }
        // Rows and columns past the frame repeat its last row and column (the alignment padding).
        input.data.withUnsafeMutableBufferPointer { x in
            for y in 0..<h {
                let row = job.pixels.baseAddress! + min(tile.y0 + y, job.height - 1) * job.width
                for xx in 0..<w { x[y * w + xx] = normalised[Int(row[min(tile.x0 + xx, job.width - 1)])] }
            }
        }
    }
}
