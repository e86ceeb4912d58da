import ArgumentParser
import BlurdCore
import BlurdSegmenter
import CBlurdKernels
import COpenBLAS
import Foundation

/// `blurd bench`: speed of the CNN engine, fp32 against int8, next to the machine's sgemm peak.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the segmentation net: fp32 vs int8, whole frames and tiled, against the sgemm peak.",
        discussion: """
        For each size: `net` is one forward pass over the whole frame (the figure to compare with \
        ONNX Runtime and OpenVINO), `tiled` is Segmenter.probabilities as `blurd analyze` runs it \
        (tiles with a receptive-field halo, one net per thread). Times are the median of --runs \
        after --warmup (also shown: the fastest run, and CPU time per run summed over threads); \
        GFLOP/s counts 2 x conv multiply-adds of one whole-frame pass over the median. The sgemm \
        peak is a 2048x2048 cblas_sgemm on the same threads, measured before and after (best kept).
        """)

    @Option(help: "Model file (default: the model built into blurd). Without int8 tensors it is calibrated here.")
    var model: String?
    @Option(help: "Timed runs per measurement (the median is reported).")
    var runs = 20
    @Option(help: "Untimed runs before each measurement.")
    var warmup = 3
    @Option(help: "Threads for every engine and for sgemm.")
    var threads = 2
    @Option(help: "Comma-separated frame sizes, WIDTHxHEIGHT.")
    var sizes = "640x360,1920x1080"
    @Flag(help: "Skip the tiled Segmenter measurements.")
    var netOnly = false

    /// One timed configuration.
    private struct Measurement {
        let size: String, run: String, precision: String
        let timing: Timing, flops: Double
    }

    /// Wall-clock median and minimum of the runs, and the process CPU time per run (all
    /// threads): on a loaded machine, wall time well above CPU time ÷ threads means waiting.
    private struct Timing {
        let median: Double, minimum: Double, cpu: Double
    }

    func validate() throws {
        try DeveloperOptionRanges.check("--runs", runs, DeveloperOptionRanges.count)
        try DeveloperOptionRanges.check("--warmup", warmup, DeveloperOptionRanges.warmup)
        try DeveloperOptionRanges.check("--threads", threads, DeveloperOptionRanges.threads)
        _ = try parsedSizes()
    }

    private func parsedSizes() throws -> [(width: Int, height: Int)] {
        try sizes.split(separator: ",").map { item in
            let parts = item.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("bad size '\(item)', expected WIDTHxHEIGHT") }
            try DeveloperOptionRanges.check("a --sizes side", parts[0], DeveloperOptionRanges.frameSide)
            try DeveloperOptionRanges.check("a --sizes side", parts[1], DeveloperOptionRanges.frameSide)
            return (parts[0], parts[1])
        }
    }

    func run() throws {
        let frameSizes = try parsedSizes()
        var file = try model.map { try ModelFile.read(contentsOf: $0) } ?? DefaultModel.load()
        var calibrationNote = "int8 tensors from the model file"
        if !file.tensors.keys.contains(where: { $0.hasSuffix("_i8") }) {
            try file.addInt8(calibration: (0..<4).map { BenchFrame.make(width: 320, height: 192, seed: UInt64($0)) })
            calibrationNote = "int8 calibrated here on 4 synthetic 320x192 frames"
        }
        let fp32 = try Network(model: file)
        let int8 = try QuantizedNetwork(model: file)
        int8.threads = threads
        let isa = ["scalar", "AVX2", "AVX-512 VNNI"][Int(blurd_active_isa().rawValue)]
        print("blurd bench: \(file.spec.name), \(threads) threads, int8 kernels: \(isa), \(calibrationNote)")
        print("median of \(runs) runs after \(warmup) warm-up; \(ProcessInfo.processInfo.activeProcessorCount) CPUs visible")
        let peakBefore = sgemmPeak()

        var measurements: [Measurement] = []
        var notes: [String] = []
        for size in frameSizes {
            let label = "\(size.width)x\(size.height)"
            let frame = BenchFrame.make(width: size.width, height: size.height, seed: 99)
            let input = Tensor(n: 1, c: 1, h: size.height, w: size.width,
                               data: frame.pixels.map { (Float($0) / 255 - file.inputMean) / file.inputStd })
            let flops = fp32.flops(height: size.height, width: size.width)
            BLAS.setThreads(threads)
            let fp32Net = time { _ = fp32.forward(input) }
            let int8Net = time { _ = int8.forward(frame) }
            measurements.append(Measurement(size: label, run: "net", precision: "fp32", timing: fp32Net, flops: flops))
            measurements.append(Measurement(size: label, run: "net", precision: "int8", timing: int8Net, flops: flops))
            // The blur map only: a multi-head net's other channels (type, direction) have no 0.5 threshold.
            let output = fp32.forward(input), plane = output.h * output.w
            let blur = (file.spec.head(OutputHead.blur)?.channel ?? 0) * plane
            let reference = output.data[blur..<(blur + plane)], quantized = int8.forward(frame).data[blur..<(blur + plane)]
            let agree = zip(reference, quantized).filter { ($0 > 0) == ($1 > 0) }.count
            var note = String(format: "%@: net %.2fx", label, fp32Net.median / int8Net.median)
            if !netOnly {
                let fp32Tiled = try Segmenter(model: file, precision: .fp32, threads: threads)
                let int8Tiled = try Segmenter(model: file, precision: .int8, threads: threads)
                let fp32Time = time { _ = fp32Tiled.probabilities(frame) }
                let int8Time = time { _ = int8Tiled.probabilities(frame) }
                measurements.append(Measurement(size: label, run: "tiled", precision: "fp32", timing: fp32Time, flops: flops))
                measurements.append(Measurement(size: label, run: "tiled", precision: "int8", timing: int8Time, flops: flops))
                note += String(format: ", tiled %.2fx", fp32Time.median / int8Time.median)
            }
            notes.append(note + String(format: "; int8 and fp32 masks agree at 0.5 on %.2f%% of %d output pixels",
                                       100 * Double(agree) / Double(max(1, reference.count)), reference.count))
        }
        let peak = max(peakBefore, sgemmPeak())
        print(String(format: "sgemm 2048x2048 fp32 peak: %.1f GFLOP/s (%d threads)\n", peak, threads))
        print("| input | run | precision | ms/frame | fps | GFLOP/s | % of sgemm peak | ms min | CPU ms/frame |")
        print("|---|---|---|---|---|---|---|---|---|")
        for m in measurements {
            let t = m.timing, gflops = m.flops / t.median / 1e9
            print(String(format: "| %@ | %@ | %@ | %.2f | %.1f | %.1f | %.0f%% | %.2f | %.2f |", m.size, m.run, m.precision,
                         t.median * 1e3, 1 / t.median, gflops, 100 * gflops / peak, t.minimum * 1e3, t.cpu * 1e3))
        }
        print("\nint8/fp32 speed ratio:")
        for note in notes { print("  " + note) }
    }

    /// `runs` timed calls after `warmup` untimed ones.
    private func time(_ body: () -> Void) -> Timing {
        for _ in 0..<warmup { body() }
        var times: [Double] = []
        let cpuStart = processCPUSeconds()
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let cpu = (processCPUSeconds() - cpuStart) / Double(runs)
        times.sort()
        return Timing(median: times[times.count / 2], minimum: times[0], cpu: cpu)
    }

    /// User + system time of this process, all threads.
    private func processCPUSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return .nan }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// GFLOP/s of a 2048² single-precision GEMM on `threads` threads (median of 10).
    private func sgemmPeak() -> Double {
        let n = 2048
        let a = (0..<(n * n)).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
        let b = (0..<(n * n)).map { Float(($0 * 104729) % 1000) / 1000 - 0.5 }
        var c = [Float](repeating: 0, count: n * n)
        BLAS.setThreads(threads)
        let seconds = time {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b,
                        Int32(n), 0, &c, Int32(n))
        }.median
        return 2 * pow(Double(n), 3) / seconds / 1e9
    }
}

/// A deterministic luma frame for benchmarking and calibration: smooth gradient, shaded discs,
/// striped texture, sensor-like noise and a softened half, so both precisions see natural
/// statistics rather than a constant.
enum BenchFrame {
    static func make(width: Int, height: Int, seed: UInt64) -> GrayImage {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24)
        }
        var discs: [(x: Float, y: Float, r: Float, level: Float, period: Float)] = []
        for _ in 0..<12 {
            discs.append((uniform() * Float(width), uniform() * Float(height), (0.05 + 0.2 * uniform()) * Float(min(width, height)),
                          uniform(), 2 + 6 * uniform()))
        }
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                // The left half is softened, like a defocused region: weaker stripes, less noise.
                let soft = x < width / 2
                var v = 0.3 + 0.4 * Float(x + y) / Float(width + height)
                for d in discs where (Float(x) - d.x) * (Float(x) - d.x) + (Float(y) - d.y) * (Float(y) - d.y) < d.r * d.r {
                    v = d.level + (soft ? 0.05 : 0.2) * sin(Float(x + 2 * y) / d.period)
                }
                v += (soft ? 0.01 : 0.05) * (uniform() - 0.5)
                pixels[y * width + x] = UInt8(max(0, min(255, (v * 255).rounded())))
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }
}
