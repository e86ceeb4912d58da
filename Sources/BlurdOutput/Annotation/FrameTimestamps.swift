import BlurdMedia

/// Converts `FrameMeta.pts` seconds back to the input stream's timestamp units, so outputs
/// carry the input's timestamps exactly (pts was computed as units × time base). A damaged
/// input that repeats or reverses a timestamp gets the next free unit instead, since encoders
/// and muxers reject non-increasing pts.
struct FrameTimestamps {
    let timeBase: MediaRational
    private var last: Int64?

    init(stream: StreamInfo) {
        timeBase = stream.timeBase.numerator > 0 && stream.timeBase.denominator > 0 ? stream.timeBase : MediaRational(1, 90000)
    }

    mutating func units(seconds: Double) -> Int64 {
        var units = Int64((seconds / timeBase.doubleValue).rounded())
        if let last, units <= last { units = last + 1 }
        last = units
        return units
    }

    /// Writer settings: the input's time base and exact frame rate (25 fps when it has none).
    func configure(_ options: inout VideoWriterOptions, stream: StreamInfo) {
        options.timeBase = timeBase
        options.exactFrameRate = stream.exactFrameRate
        options.frameRate = max(1, Int((stream.frameRate ?? 25).rounded()))
    }
}
