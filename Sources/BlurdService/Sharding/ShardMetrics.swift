import Prometheus

/// The shard's identity and size on /metrics: `blurd_shard_info{shard="I",shards="N"} 1`, so
/// a dashboard can group or count instances, and `blurd_shard_streams`, the streams this
/// instance watches after the last (re)load.
final class ShardMetrics: Sendable {
    private let streams: Gauge

    init(shard: StreamShard, registry: PrometheusCollectorRegistry) {
        let info = registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "blurd", metricName: "shard", unitName: "info",
                                             helpText: "1, labelled with this instance's shard I (0-based) and the shard count N."),
            labels: [("shard", String(shard.index)), ("shards", String(shard.count))])
        info.set(to: 1.0)
        streams = registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "blurd", metricName: "shard_streams", unitName: "",
                                             helpText: "Streams of the configuration that this instance's shard owns and watches."))
    }

    func record(ownedStreams: Int) {
        streams.set(to: Double(ownedStreams))
    }
}
