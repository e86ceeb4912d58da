import Foundation

/// xoshiro256** seeded through SplitMix64: a small, fast, reproducible generator.
///
/// Every random draw of the synthesizer goes through one instance, so a seed fixes the whole
/// sample stream and no global state is shared between threads.
public struct SynthesisRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = nextSplitMix()
        s1 = nextSplitMix()
        s2 = nextSplitMix()
        s3 = nextSplitMix()
    }

    public mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1).
    public mutating func unit() -> Float { Float(next() >> 40) * (1 / Float(1 << 24)) }

    /// Uniform in the closed range.
    public mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// Log-uniform in the range (both bounds > 0): small values as likely per octave as large ones.
    public mutating func logUniform(_ range: ClosedRange<Float>) -> Float {
        let logLo = log(range.lowerBound), logHi = log(range.upperBound)
        return exp(logLo + (logHi - logLo) * unit())
    }

    /// Uniform integer in the closed range.
    public mutating func integer(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Float) -> Bool { unit() < p }

    /// Standard normal (Box–Muller).
    public mutating func gaussian() -> Float { gaussianPair().0 }

    /// Two independent standard normals (both Box–Muller outputs).
    public mutating func gaussianPair() -> (Float, Float) {
        let u1 = max(unit(), 1e-7)
        let u2 = unit()
        let r = (-2 * log(u1)).squareRoot()
        return (r * cos(2 * Float.pi * u2), r * sin(2 * Float.pi * u2))
    }
}
