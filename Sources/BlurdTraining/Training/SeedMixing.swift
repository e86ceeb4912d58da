/// Derives independent, reproducible seeds from the run's seed (SplitMix64 finaliser).
///
/// Each producer thread and each resumed segment gets its own stream, so resuming at
/// iteration i draws the same samples whenever it is repeated.
public enum SeedMixing {
    public static func mix(_ values: UInt64...) -> UInt64 {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for value in values {
            state = finalise((state ^ value) &+ 0x9E37_79B9_7F4A_7C15)
        }
        return state
    }

    private static func finalise(_ input: UInt64) -> UInt64 {
        var z = input
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Validation samples come from their own stream, fixed for the whole run.
    public static let validationStream: UInt64 = 0x76616C69
}
