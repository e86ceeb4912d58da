import ArgumentParser
import BlurdCore

/// The ranges of the model tools' numbers (synth, train, export, eval, bench), in one place:
/// generous for any real run, and small enough that no size, count or duration overflows,
/// asks for terabytes or never ends. Checked in each command's `validate()` (exit 2).
enum DeveloperOptionRanges {
    /// Threads and workers: beyond the largest machines' cores.
    static let threads = ValueRange<Int>(1...256)
    /// Frame sides in pixels (bench sizes, eval --size, calibration frames, synthetic crops).
    static let frameSide = ValueRange<Int>(16...16_384)
    /// Training crops in pixels: a batch of them is held with every activation of the net.
    static let trainingCrop = ValueRange<Int>(16...2048)
    /// Training batch size.
    static let batch = ValueRange<Int>(1...1024)
    /// Samples, frames and timed runs.
    static let count = ValueRange<Int>(1...1_000_000)
    /// Untimed warm-up runs of bench.
    static let warmup = ValueRange<Int>(0...1_000_000)
    /// Iterations (budget, --stop-at, intervals, learning-rate warm-up).
    static let iterations = ValueRange<Int>(1...1_000_000_000)
    /// Learning-rate warm-up iterations.
    static let warmupIterations = ValueRange<Int>(0...1_000_000_000)
    /// Training time budget and checkpoint interval, in minutes: up to a year.
    static let minutes = ValueRange<Double>(above: 0, through: 525_960)
    /// Learning rate and gradient clip: finite and positive.
    static let factor = ValueRange<Float>(above: 0, through: 1000)
    /// Weight of the Dice term: finite, 0 leaves BCE alone.
    static let weight = ValueRange<Float>(0...1000)

    /// Throws a `ValidationError` naming `option` when `value` is outside `range`.
    static func check<Value>(_ option: String, _ value: Value, _ range: ValueRange<Value>) throws {
        if let problem = range.problem(option, value) { throw ValidationError(problem) }
    }
}
