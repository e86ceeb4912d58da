import Foundation

/// Home Assistant's MQTT discovery messages for one stream: a device named after the stream
/// with a "focus problem" and a "lens covered / no picture" binary sensor, "sharpness" and
/// "blurred area" sensors (%), an "infrared (night) mode" diagnostic binary sensor (the
/// day/night mode whose baseline applies), the snapshot as an image entity and a "relearn
/// baseline" button. The entities read the stream's retained state topic and are available while the
/// instance that owns the stream is (its `available` topic). unique_ids depend only on the
/// topic prefix and the stream's name, so they survive restarts and moves between instances.
/// Discovery topics: `DISCOVERY/COMPONENT/NODE/OBJECT/config`, NODE = `PREFIX_STREAM`.
enum HomeAssistantDiscovery {
    /// One entity's discovery topic and its JSON config.
    struct Message: Equatable {
        var topic: String
        var payload: String
    }

    /// The entities, as (component, object id, the entity's own keys).
    private static func entities(stream: String, topics: MQTTTopics) -> [(String, String, [String: Any])] {
        let state = topics.state(stream)
        return [
            ("binary_sensor", "focus_problem", [
                "name": "Focus problem", "device_class": "problem", "state_topic": state,
                "value_template": "{{ 'ON' if value_json.state == 'focus_lost' else 'OFF' }}",
            ]),
            ("binary_sensor", "no_picture", [
                "name": "Lens covered / no picture", "device_class": "problem", "state_topic": state,
                "value_template": "{{ 'ON' if value_json.state in ['no_texture', 'offline'] else 'OFF' }}",
            ]),
            ("sensor", "sharpness", [
                "name": "Sharpness", "unit_of_measurement": "%", "state_class": "measurement",
                "suggested_display_precision": 0, "state_topic": state,
                "value_template": "{{ (value_json.score * 100) | round(1) if value_json.score is number else None }}",
            ]),
            ("sensor", "blurred_area", [
                "name": "Blurred area", "unit_of_measurement": "%", "state_class": "measurement",
                "suggested_display_precision": 0, "state_topic": state,
                "value_template": "{{ (value_json.blurred_fraction * 100) | round(1) if value_json.blurred_fraction is number else None }}",
            ]),
            ("binary_sensor", "infrared_mode", [
                "name": "Infrared (night) mode", "entity_category": "diagnostic", "state_topic": state,
                "value_template": "{{ 'ON' if value_json.mode == 'ir' else 'OFF' }}",
            ]),
            ("image", "snapshot", [
                "name": "Last problem frame", "image_topic": topics.snapshot(stream), "content_type": "image/jpeg",
            ]),
            ("button", "relearn_baseline", [
                "name": "Relearn baseline", "command_topic": topics.relearn(stream), "payload_press": "PRESS",
                "entity_category": "config",
            ]),
        ]
    }

    /// The discovery messages of `stream`.
    static func messages(stream: String, topics: MQTTTopics, discoveryPrefix: String) -> [Message] {
        let node = nodeID(stream: stream, topics: topics)
        let device: [String: Any] = [
            "identifiers": [node], "name": stream, "manufacturer": "blurd", "model": "blur detection",
        ]
        return entities(stream: stream, topics: topics).map { component, object, keys in
            var config = keys
            config["unique_id"] = "\(node)_\(object)"
            config["availability_topic"] = topics.availability
            config["payload_available"] = "online"
            config["payload_not_available"] = "offline"
            config["device"] = device
            config["origin"] = ["name": "blurd"]
            let data = (try? JSONSerialization.data(withJSONObject: config, options: [.sortedKeys, .withoutEscapingSlashes]))
                ?? Data("{}".utf8)
            return Message(topic: "\(discoveryPrefix)/\(component)/\(node)/\(object)/config",
                           payload: String(decoding: data, as: UTF8.self))
        }
    }

    /// The discovery topics of `stream`, to clear (empty retained payload) when it is removed.
    static func topics(stream: String, topics: MQTTTopics, discoveryPrefix: String) -> [String] {
        messages(stream: stream, topics: topics, discoveryPrefix: discoveryPrefix).map(\.topic)
    }

    /// `PREFIX_STREAM` with every character Home Assistant does not allow in a node id
    /// (only letters, digits, '_' and '-') replaced by '_'.
    static func nodeID(stream: String, topics: MQTTTopics) -> String {
        String("\(topics.prefix)_\(stream)".map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
    }
}
