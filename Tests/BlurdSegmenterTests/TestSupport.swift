import BlurdCore
@testable import BlurdSegmenter

/// Deterministic values for tests, drawn from the engine's SplitMix64.
struct TestRandom {
    private var generator: SeededRandom

    init(seed: UInt64) { generator = SeededRandom(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Float = -1, _ hi: Float = 1) -> Float {
        lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
    }

    mutating func values(_ count: Int, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
        (0..<count).map { _ in uniform(lo, hi) }
    }

    mutating func tensor(n: Int, c: Int, h: Int, w: Int) -> Tensor {
        Tensor(n: n, c: c, h: h, w: w, data: values(n * c * h * w))
    }
}
