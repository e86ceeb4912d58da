import CBlurdKernels
import Dispatch
import Foundation

/// Every layer of a `QuantizedNetwork` and how to run one: what inference and calibration
/// share. Calibration fills it in layer by layer; a network runs it on its own buffers.
struct QuantizedLayers {
    let plan: NetworkPlan
    let forms: [QuantizedValueForm]
    /// Per value (0: the input): the parameters of `codes` values, nil for `reals` and `vector`.
    var quantization: [QuantizedActivationParameters?]
    /// Convolutions on u8 codes, by layer index.
    var convolutions: [Int: QuantizedConvolution] = [:]
    /// Convolutions of frame-level vectors, by layer index.
    var vectorConvolutions: [Int: FrameVectorConvolution] = [:]
    /// Adds of a frame-level vector to a u8 map, by layer index.
    var broadcastAdds: [Int: QuantizedBroadcastAdd] = [:]

    init(plan: NetworkPlan, forms: [QuantizedValueForm], input: QuantizedActivationParameters) {
        self.plan = plan
        self.forms = forms
        quantization = [input]
    }

    /// Bytes value `v` takes at `size`.
    func bytes(of v: Int, channels: Int, size: (height: Int, width: Int)) -> Int {
        channels * size.height * size.width * (forms[v] == .codes ? 1 : MemoryLayout<Float>.size)
    }

    /// Runs layer `i` on `values` (value v in `values[v]`, sized by `sizes`), writing value
    /// i + 1. `context`: fixed outputs of `gap` layers by layer index (a tiled frame's context).
    func run(_ i: Int, values: [QuantizedBuffer], sizes: [(height: Int, width: Int)], threads: Int,
             context: [Int: [Float]], scratch: QuantizedBuffer) {
        let step = plan.steps[i], from = sizes[step.input], to = sizes[i + 1]
        let source = values[step.input], out = values[i + 1]
        out.reserve(bytes(of: i + 1, channels: step.outChannels, size: to))
        switch step.layer.op {
        case .conv where forms[step.input] == .vector:
            vectorConvolutions[i]!.run(source.floats, into: out.floats)
        case .conv:
            let reals = forms[i + 1] == .reals
            convolutions[i]!.run(input: source.bytes, height: from.height, width: from.width,
                                 into: reals ? .reals(out.floats) : .codes(out.bytes), threads: threads)
            if reals { apply(step.layer.activation, to: out.floats, count: step.outChannels * to.height * to.width) }
        case .up:
            Self.resize(source.bytes, channels: step.outChannels, from: from, to: to, into: out.bytes, threads: threads,
                        scratch: scratch)
        case .concat:
            let first = bytes(of: step.input, channels: step.inChannels, size: from)
            let rest = bytes(of: i + 1, channels: step.outChannels, size: to) - first
            out.bytes.update(from: source.bytes, count: first)
            out.bytes.advanced(by: first).update(from: values[step.reference!].bytes, count: rest)
            if forms[i + 1] == .reals { apply(step.layer.activation, to: out.floats, count: step.outChannels * to.height * to.width) }
        case .gap:
            if let fixed = context[i] {
                out.floats.update(from: fixed, count: step.outChannels)
            } else {
                let sums = Self.codeSums(source.bytes, channels: step.inChannels, height: from.height, width: from.width,
                                         rows: 0..<from.height, columns: 0..<from.width)
                let cells = Double(from.height * from.width)
                for c in 0..<step.outChannels {
                    out.floats[c] = cells > 0 ? Float(dequantizedSum(sums[c], cells: cells, channel: c, of: step.input) / cells) : 0
                }
            }
        default:  // add (validated by QuantizedValueForm)
            let reference = values[step.reference!]
            if forms[i + 1] == .vector {
                for c in 0..<step.outChannels { out.floats[c] = source.floats[c] + reference.floats[c] }
                apply(step.layer.activation, to: out.floats, count: step.outChannels)
            } else {
                let (map, vector) = forms[step.input] == .codes ? (source, reference) : (reference, source)
                broadcastAdds[i]!.run(map: map.bytes, plane: to.height * to.width, vector: vector.floats, into: out.bytes)
            }
        }
    }

    /// The real sum of `cells` codes of value `v`'s `channel` whose codes sum to `sum`.
    func dequantizedSum(_ sum: Int, cells: Double, channel c: Int, of v: Int) -> Double {
        let q = quantization[v]!
        return Double(q.scales[c]) * (Double(sum) - cells * Double(q.zeroPoints[c]))
    }

    /// Per channel, the sum of the u8 codes over `rows` × `columns` of [channels][height][width].
    static func codeSums(_ map: UnsafePointer<UInt8>, channels: Int, height: Int, width: Int,
                         rows: Range<Int>, columns: Range<Int>) -> [Int] {
        (0..<channels).map { c in
            var sum = 0
            for y in rows {
                let row = map + (c * height + y) * width
                for x in columns { sum += Int(row[x]) }
            }
            return sum
        }
    }

    private func apply(_ activation: Activation, to x: UnsafeMutablePointer<Float>, count: Int) {
        switch activation {
        case .relu: for i in 0..<count { x[i] = max(0, x[i]) }
        case .sigmoid: for i in 0..<count { x[i] = 1 / (1 + exp(-x[i])) }
        default: break   // none (`QuantizedValueForm` refuses the rest)
        }
    }

    /// Bilinear resize of u8 codes, channels split over `threads`.
    private static func resize(_ src: UnsafeMutablePointer<UInt8>, channels: Int, from: (height: Int, width: Int),
                               to: (height: Int, width: Int), into dst: UnsafeMutablePointer<UInt8>, threads: Int,
                               scratch: QuantizedBuffer) {
        let parts = max(1, min(threads, channels))
        let perScratch = blurd_resize_scratch_bytes(to.width)
        scratch.reserve(parts * perScratch)
        let buffers = ResizeBuffers(src: src, dst: dst, scratch: scratch.bytes)
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let c0 = p * channels / parts, c1 = (p + 1) * channels / parts
            blurd_resize_bilinear_u8(buffers.src + c0 * from.height * from.width, c1 - c0, from.height, from.width,
                                     buffers.dst + c0 * to.height * to.width, to.height, to.width,
                                     buffers.scratch + p * perScratch)
        }
    }
}

/// A resize's memory, handed to its parts.
// Unchecked: the pointers stay valid until concurrentPerform returns; each part reads its own
// channels of `src` and writes only those channels of `dst` and its own slice of `scratch`.
private struct ResizeBuffers: @unchecked Sendable {
    let src: UnsafePointer<UInt8>
    let dst: UnsafeMutablePointer<UInt8>
    let scratch: UnsafeMutablePointer<UInt8>
}
