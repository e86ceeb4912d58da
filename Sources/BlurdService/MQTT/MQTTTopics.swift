/// The topics of one blurd instance under `topic_prefix` (docs/SERVICE.md, "MQTT").
struct MQTTTopics: Equatable, Sendable {
    let prefix: String
    /// The instance's name: its expanded client id.
    let instance: String

    /// `online` / `offline`, retained; also the connection's last will.
    var availability: String { "\(prefix)/\(instance)/available" }
    /// Every event line, QoS 1, not retained.
    var events: String { "\(prefix)/events" }
    /// Retained JSON: state, score, blurred_fraction, baseline, since.
    func state(_ stream: String) -> String { "\(prefix)/\(stream)/state" }
    /// Retained number: the smoothed score.
    func score(_ stream: String) -> String { "\(prefix)/\(stream)/score" }
    /// Retained JPEG of the frame that raised the last focus_lost or no_texture.
    func snapshot(_ stream: String) -> String { "\(prefix)/\(stream)/snapshot" }
    /// Any message here relearns the stream's baseline (a Home Assistant button).
    func relearn(_ stream: String) -> String { "\(prefix)/\(stream)/relearn" }
    /// The filter blurd subscribes to for commands.
    var commands: String { "\(prefix)/+/relearn" }

    /// The stream named by a command topic, or nil when `topic` is none.
    func relearnStream(of topic: String) -> String? {
        let head = "\(prefix)/", tail = "/relearn"
        guard topic.hasPrefix(head), topic.hasSuffix(tail), topic.count > head.count + tail.count else { return nil }
        let stream = topic.dropFirst(head.count).dropLast(tail.count)
        return stream.contains("/") ? nil : String(stream)
    }
}
