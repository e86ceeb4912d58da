import Prometheus

/// One stream's Prometheus series, all labelled `stream="NAME"`. Kept across reconnects and
/// config reloads that change the stream, so counters keep counting; unregistered when the
/// stream is removed.
public final class StreamMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    let sharpness: Gauge
    let smoothedSharpness: Gauge
    let blurredFraction: Gauge
    let baselineSharpness: Gauge
    let focusLost: Gauge
    let noTexture: Gauge
    let irMode: Gauge
    let chroma: Gauge
    let framesAnalysed: Counter
    let framesNoTexture: Counter
    let framesDecoded: Counter
    let framesDropped: Counter
    let corruptPackets: Counter
    let reconnects: Counter
    let timestampJumps: Counter
    let analysisLatency: DurationHistogram
    let processingLatency: DurationHistogram
    private let stateGauges: [(StreamState, Gauge)]
    private let eventCounters: [(FocusEvent.Kind, Counter)]

    public init(stream: String, registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let labels = [("stream", stream)]
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: Self.descriptor(name, unit: "", help), labels: labels)
        }
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: Self.descriptor(name, unit: "total", help), labels: labels)
        }
        sharpness = gauge("stream_sharpness", "Sharpness score of the last analysed textured frame (0 blurred .. 1 sharp).")
        smoothedSharpness = gauge("stream_sharpness_smoothed", "Exponential moving average of the sharpness score, as used for focus events.")
        blurredFraction = gauge("stream_blurred_fraction", "Fraction of the last textured frame's cells judged blurred.")
        focusLost = gauge("stream_focus_lost", "1 from a focus_lost event until focus_restored, else 0: what an alert rule watches.")
        noTexture = gauge("stream_no_texture", "1 from a no_texture event (covered lens, black feed) until texture_restored, else 0.")
        irMode = gauge("stream_ir_mode", "1 while the stream's frames are in its infrared (grey) mode, 0 in colour mode; each mode has its own baseline.")
        chroma = gauge("stream_chroma", "Chroma of the last textured frame (mean distance of its colours from grey, 0 grey .. about 140 vivid), which decides the day/night mode.")
        baselineSharpness = gauge("stream_sharpness_baseline", "The learned normal sharpness score of the stream's current day/night mode (set once learned or restored; 0 after a switch to a mode without one), which the focus thresholds follow.")
        framesAnalysed = counter("stream_frames_analysed", "Frames analysed and written.")
        framesNoTexture = counter("stream_frames_no_texture", "Analysed frames with too little texture to judge.")
        framesDecoded = counter("stream_frames_decoded", "Frames decoded (before sampling).")
        framesDropped = counter("stream_frames_dropped", "Frames dropped because analysis fell behind.")
        corruptPackets = counter("stream_corrupt_packets", "Packets flagged corrupt by the demuxer or rejected by the decoder.")
        reconnects = counter("stream_reconnects", "Reconnect attempts after EOF or an error.")
        timestampJumps = counter("stream_timestamp_jumps", "Jumps in the input's timestamps (back, or forward by more than max(10 s, 10 frame steps)) that the stream time continued over.")
        let buckets: [Duration] = [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                                   .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100),
                                   .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5)]
        analysisLatency = registry.makeDurationHistogram(
            descriptor: Self.descriptor("stream_analysis", unit: "seconds", "Time to analyse one frame."),
            labels: labels, buckets: buckets)
        processingLatency = registry.makeDurationHistogram(
            descriptor: Self.descriptor("stream_processing", unit: "seconds",
                                        "Time from a frame leaving the decoder to its output lines being written (queueing included)."),
            labels: labels, buckets: buckets)
        let stateDescriptor = Self.descriptor("stream_state", unit: "", "1 for the stream's current state, 0 for the others.")
        stateGauges = StreamState.allCases.map { state in
            (state, registry.makeGauge(descriptor: stateDescriptor, labels: labels + [("state", state.rawValue)]))
        }
        let eventDescriptor = Self.descriptor("stream_events", unit: "total", "Focus and texture events raised.")
        eventCounters = FocusEvent.Kind.allCases.map { kind in
            (kind, registry.makeCounter(descriptor: eventDescriptor, labels: labels + [("event", kind.rawValue)]))
        }
    }

    /// Sets the one-hot state series.
    func record(state: StreamState) {
        for (candidate, gauge) in stateGauges { gauge.set(to: candidate == state ? 1.0 : 0.0) }
    }

    func record(event: FocusEvent.Kind) {
        for (kind, counter) in eventCounters where kind == event { counter.increment() }
    }

    /// Removes every series of this stream from the registry.
    func unregister() {
        for gauge in [sharpness, smoothedSharpness, blurredFraction, baselineSharpness, focusLost, noTexture, irMode, chroma]
            + stateGauges.map(\.1) {
            registry.unregisterGauge(gauge)
        }
        for counter in [framesAnalysed, framesNoTexture, framesDecoded, framesDropped, corruptPackets, reconnects, timestampJumps]
            + eventCounters.map(\.1) {
            registry.unregisterCounter(counter)
        }
        registry.unregisterDurationHistogram(analysisLatency)
        registry.unregisterDurationHistogram(processingLatency)
    }

    private static func descriptor(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "blurd", metricName: name, unitName: unit, helpText: help)
    }
}
