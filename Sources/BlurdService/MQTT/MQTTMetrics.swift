import Prometheus

/// The MQTT output's Prometheus series (no labels: one broker per daemon).
final class MQTTMetrics: Sendable {
    let connected: Gauge
    let published: Counter
    let queued: Gauge
    let dropped: Counter

    init(registry: PrometheusCollectorRegistry) {
        func descriptor(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "blurd", metricName: name, unitName: unit, helpText: help)
        }
        connected = registry.makeGauge(descriptor: descriptor(
            "mqtt_connected", unit: "", "1 while the MQTT broker has accepted blurd's session, else 0."))
        published = registry.makeCounter(descriptor: descriptor(
            "mqtt_messages_published", unit: "total", "MQTT messages the broker acknowledged (QoS 1)."))
        queued = registry.makeGauge(descriptor: descriptor(
            "mqtt_messages_queued", unit: "", "MQTT messages waiting for the broker or its acknowledgement."))
        dropped = registry.makeCounter(descriptor: descriptor(
            "mqtt_messages_dropped", unit: "total",
            "MQTT events dropped because 1000 were already waiting for the broker (the oldest go first)."))
    }
}
