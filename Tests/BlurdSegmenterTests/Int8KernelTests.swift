import CBlurdKernels
import XCTest

/// Every int8 GEMM path (AVX-512 VNNI, AVX2, scalar) must reproduce the scalar reference bit
/// for bit, on sizes that are not multiples of any vector or block width.
final class Int8KernelTests: XCTestCase {
    /// xorshift32: reproducible test data without Foundation's global generator.
    private struct Random {
        var state: UInt32
        mutating func next() -> UInt32 {
            state ^= state << 13; state ^= state >> 17; state ^= state << 5
            return state
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt32(n)) }
    }

    private var supportedPaths: [blurd_isa] {
        [BLURD_ISA_SCALAR, BLURD_ISA_AVX2, BLURD_ISA_AVX512_VNNI].filter { $0.rawValue <= blurd_detect_isa().rawValue }
    }

    /// Runs one GEMM on `isa`: u8 output when `u8` is true, else f32; returns the output as bytes.
    private func gemm(isa: blurd_isa, a: [UInt8], m: Int, k: Int, n: Int, weights: [Int8],
                      mult: [Float], bias: [Float], lo: Int32, u8: Bool) -> [UInt8] {
        let kp = blurd_qgemm_kp(k)
        var w8 = [Int8](repeating: 0, count: n * kp), w16 = [Int16](repeating: 0, count: n * kp)
        blurd_qweights_pack(weights, n, k, &w8, &w16)
        let zero = [UInt8](repeating: 0, count: m)
        var outU8 = [UInt8](repeating: 0, count: n * m), outF32 = [Float](repeating: 0, count: n * m)
        var status: Int32 = -2
        a.withUnsafeBufferPointer { a in
            zero.withUnsafeBufferPointer { zero in
                let rows: [UnsafePointer<UInt8>?] = (0..<kp).map { $0 < k ? a.baseAddress! + $0 * m : zero.baseAddress! }
                w8.withUnsafeBufferPointer { w8 in
                    w16.withUnsafeBufferPointer { w16 in
                        mult.withUnsafeBufferPointer { mult in
                            bias.withUnsafeBufferPointer { bias in
                                outU8.withUnsafeMutableBufferPointer { outU8 in
                                    outF32.withUnsafeMutableBufferPointer { outF32 in
                                        var weights = blurd_qweights(n: n, kp: kp, w8: w8.baseAddress, w16: w16.baseAddress)
                                        var rq = blurd_requant(mult: mult.baseAddress, bias: bias.baseAddress, lo: lo,
                                                               out_u8: u8 ? outU8.baseAddress : nil,
                                                               out_f32: u8 ? nil : outF32.baseAddress, out_stride: m)
                                        status = blurd_qgemm_isa(isa, rows, m, &weights, &rq)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        XCTAssertEqual(status, 0, "path \(isa.rawValue) refused")
        return u8 ? outU8 : outF32.withUnsafeBytes { Array($0) }
    }

    func testEveryPathMatchesScalarReferenceOnOddSizes() {
        var random = Random(state: 2024)
        XCTAssertEqual(blurd_qgemm_kp(9), 12)
        var compared = 0
        var codesSeen = Set<UInt8>()
        for trial in 0..<60 {
            let m = 1 + random.below(150), n = 1 + random.below(40), k = 1 + random.below(300)
            let a = (0..<(k * m)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Full-range weights, including -128, the case vpmaddubsw would saturate on.
            let weights = (0..<(n * k)).map { _ in Int8(truncatingIfNeeded: random.next()) }
            // Multipliers that put typical accumulators around the u8 range, so clamping and
            // rounding both happen.
            let mult = (0..<n).map { _ in Float(1 + random.below(1000)) / Float(40 * k) }
            let bias = (0..<n).map { _ in Float(random.below(4001) - 2000) / 16 }
            let lo = Int32(trial % 3 == 0 ? random.below(40) : 0)
            for u8 in [true, false] {
                let reference = gemm(isa: BLURD_ISA_SCALAR, a: a, m: m, k: k, n: n, weights: weights,
                                     mult: mult, bias: bias, lo: lo, u8: u8)
                if u8 { codesSeen.formUnion(reference) }
                for isa in supportedPaths where isa != BLURD_ISA_SCALAR {
                    let out = gemm(isa: isa, a: a, m: m, k: k, n: n, weights: weights, mult: mult, bias: bias, lo: lo, u8: u8)
                    XCTAssertEqual(out, reference, "path \(isa.rawValue), m \(m) n \(n) k \(k) u8 \(u8)")
                    compared += 1
                }
            }
        }
        if blurd_detect_isa() != BLURD_ISA_SCALAR { XCTAssertGreaterThan(compared, 0) }
        // The data must exercise rounding across the range and both clamps.
        XCTAssertGreaterThan(codesSeen.count, 200)
        XCTAssertTrue(codesSeen.contains(0) && codesSeen.contains(255))
    }

    func testScalarReferenceComputesTheDotProduct() {
        // 2 pixels, K = 5, one channel: acc = sum a*w, then t = acc*0.5 + 1, rounded half to even.
        let a: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]   // row k holds pixels (a[2k], a[2k+1])
        let w: [Int8] = [1, -1, 2, -2, 3]
        // pixel 0: 1 - 3 + 10 - 14 + 27 = 21 -> 11.5 -> 12; pixel 1: 2 - 4 + 12 - 16 + 30 = 24 -> 13
        for isa in supportedPaths {
            let out = gemm(isa: isa, a: a, m: 2, k: 5, n: 1, weights: w, mult: [0.5], bias: [1], lo: 0, u8: true)
            XCTAssertEqual(out, [12, 13], "path \(isa.rawValue)")
        }
        // The clamp: a large negative result is held at `lo`.
        let clamped = gemm(isa: BLURD_ISA_SCALAR, a: a, m: 2, k: 5, n: 1, weights: w.map { -$0 },
                           mult: [1], bias: [0], lo: 7, u8: true)
        XCTAssertEqual(clamped, [7, 7])
    }

    func testForcingAPathIsRefusedWhenUnsupportedAndRestorable() {
        let best = blurd_detect_isa()
        XCTAssertEqual(blurd_force_isa(BLURD_ISA_SCALAR), 0)
        XCTAssertEqual(blurd_active_isa(), BLURD_ISA_SCALAR)
        XCTAssertEqual(blurd_force_isa(blurd_isa(rawValue: best.rawValue + 1)), -1)
        XCTAssertEqual(blurd_active_isa(), BLURD_ISA_SCALAR)
        XCTAssertEqual(blurd_force_isa(best), 0)
        XCTAssertEqual(blurd_active_isa(), best)
    }

    func testBilinearResizeDoublesAGradient() {
        // 1×4 -> 1×8 with half-pixel centres: x_src = (i + 0.5)/2 - 0.5.
        let input: [UInt8] = [0, 64, 128, 192]
        var out = [UInt8](repeating: 0, count: 8)
        var scratch = [UInt8](repeating: 0, count: blurd_resize_scratch_bytes(8))
        blurd_resize_bilinear_u8(input, 1, 1, 4, &out, 1, 8, &scratch)
        XCTAssertEqual(out, [0, 16, 48, 80, 112, 144, 176, 192])
    }
}
