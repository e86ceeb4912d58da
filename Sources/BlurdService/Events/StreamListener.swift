import BlurdPipeline

/// What a stream's sink tells outputs beyond its own lines (the MQTT bridge). Called on the
/// stream's pipeline writer thread: an implementation must return at once and never wait for
/// I/O.
protocol StreamListener: Sendable {
    /// After every analysed frame: the frame and the focus monitor's state after it.
    func observed(stream: String, frame: FrameResult, monitor: FocusMonitor)
    /// An event the stream raised, with the frame that confirmed it (nil for
    /// `baselineRestored`, which precedes every frame). `line` is the JSON line written for it.
    func raised(stream: String, event: FocusEvent, line: String, frame: FrameResult?)
}
