import CFFmpeg

/// The stop request and read deadline of one `VideoSource`, checked by FFmpeg's interrupt
/// callback and by blurd's own pipe reads. It exists apart from the source so that a stop can be
/// requested while the source is still opening (a signal handler installed before the input
/// is opened holds it); a source that is not given one makes its own.
///
/// `request()` is safe from any thread; the deadline is armed by the one thread reading.
// Unchecked: `state` is allocated in init, freed in deinit, and otherwise only read and written
// through shim.h's blurd_interrupt_* functions, which use atomics.
public final class InputInterrupt: @unchecked Sendable {
    /// Heap-allocated so its address stays valid for the AVIOInterruptCB.
    let state: UnsafeMutablePointer<BlurdInterrupt>

    public init() {
        state = UnsafeMutablePointer<BlurdInterrupt>.allocate(capacity: 1)
        state.initialize(to: BlurdInterrupt(requested: 0, deadline_us: 0))
    }

    deinit {
        state.deallocate()
    }

    /// Makes the blocking call in progress, and every later one, return promptly.
    public func request() {
        blurd_interrupt_request(state)
    }

    public var isRequested: Bool {
        blurd_interrupt_was_requested(state) != 0
    }

    /// True once a stop was requested or the armed deadline has passed: the test FFmpeg's
    /// interrupt callback makes.
    var shouldStop: Bool {
        blurd_interrupt_callback_fn(state) != 0
    }

    /// Starts a deadline `seconds` from now for the next blocking call.
    func arm(seconds: Double) {
        blurd_interrupt_arm(state, microseconds(seconds))
    }

    func disarm() {
        blurd_interrupt_arm(state, 0)
    }

    var callback: AVIOInterruptCB {
        blurd_interrupt_callback(state)
    }
}

/// `seconds` as whole microseconds for FFmpeg, saturating at Int64's ends (NaN as 0):
/// `VideoSourceOptions.validate()` keeps timeouts to a day, and a value that slipped past it
/// must not trap in the conversion.
func microseconds(_ seconds: Double) -> Int64 {
    let value = (seconds * 1_000_000).rounded()
    if value.isNaN { return 0 }
    // 2^63 is the first Double beyond Int64.max.
    if value >= 0x1p63 { return .max }
    if value < -0x1p63 { return .min }
    return Int64(value)
}
