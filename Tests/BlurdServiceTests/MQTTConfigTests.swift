@testable import BlurdService
import BlurdTestSupport
import Foundation
import XCTest

/// The `mqtt:` block: defaults, every key's range and form, the password file, the client id's
/// expansion; and the outbox's bound and order, and the topics and discovery built from it.
final class MQTTConfigTests: XCTestCase {
    private func parse(_ block: String, environment: [String: String] = [:]) throws -> MQTTConfig? {
        try ServiceConfig.parse(yaml: "mqtt: \(block)\nstreams: [{name: cam, url: 'udp://127.0.0.1:9'}]",
                                environment: environment).mqtt
    }

    private func message(_ block: String, environment: [String: String] = [:]) -> String {
        do {
            _ = try parse(block, environment: environment)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    func testDefaultsAndExplicitValues() throws {
        let defaults = try XCTUnwrap(try parse("{url: 'mqtt://broker.lan'}"))
        XCTAssertEqual(try defaults.endpoint(), MQTTConfig.Endpoint(host: "broker.lan", port: 1883, tls: false))
        XCTAssertEqual(defaults.topicPrefix, "blurd")
        XCTAssertEqual(defaults.discoveryPrefix, "homeassistant")
        XCTAssertEqual(defaults.clientID, "blurd-%H-%s")
        let off = try XCTUnwrap(try parse("{url: 'mqtts://[::1]:8884', discovery_prefix: null, topic_prefix: site/a}"))
        XCTAssertNil(off.discoveryPrefix)
        XCTAssertEqual(try off.endpoint(), MQTTConfig.Endpoint(host: "::1", port: 8884, tls: true))
        XCTAssertEqual(off.topicPrefix, "site/a")
        XCTAssertNil(try ServiceConfig.parse(yaml: "streams: [{name: cam, url: 'udp://127.0.0.1:9'}]").mqtt)
    }

    func testBadValuesAreConfigErrorsNamingTheKey() {
        let cases: [(String, String)] = [
            ("{url: 'http://broker'}", "mqtt.url scheme 'http' must be mqtt or mqtts"),
            ("{url: 'mqtt://broker:0'}", "the port must be in 1...65535"),
            ("{url: 'mqtt://broker:99999'}", "the port must be in 1...65535"),
            ("{url: 'mqtt://u:secret@broker'}", "has credentials"),
            ("{url: 'mqtt://broker/path'}", "must have no path"),
            ("{url: 'mqtt://broker', ca_file: /etc/hostname}", "mqtt.ca_file applies to mqtts:// URLs only"),
            ("{url: 'mqtts://broker', cert_file: /etc/hostname}", "cert_file and key_file go together"),
            ("{url: 'mqtt://broker', password_file: /etc/hostname}", "mqtt.password_file needs username"),
            ("{url: 'mqtt://broker', client_id: 'a/b'}", "client_id 'a/b' may hold only"),
            ("{url: 'mqtt://broker', client_id: 'blurd-%x'}", "'%' must be followed by"),
            ("{url: 'mqtt://broker', topic_prefix: 'a/+'}", "topic_prefix 'a/+' must not contain"),
            ("{url: 'mqtt://broker', topic_prefix: '/a'}", "must not start or end with '/'"),
            ("{url: 'mqtt://broker', discovery_prefix: ''}", "discovery_prefix length must be in 1...200"),
            ("{url: 'mqtt://broker', keepalive_s: 1}", "mqtt.keepalive_s must be in 5...65535, got 1"),
            ("{url: 'mqtt://broker', reconnect: {initial_s: 0}}", "mqtt.reconnect.initial_s must be in (0, 3600]"),
            ("{url: 'mqtt://broker', reconnect: {initial_s: 5, max_s: 2}}", "mqtt.reconnect.max_s must be >= initial_s"),
            ("{url: 'mqtt://broker', reconect: {}}", "mqtt.reconect: unknown key"),
        ]
        for (block, expected) in cases {
            let text = message(block)
            XCTAssertTrue(text.hasPrefix("config: "), "\(block): \(text)")
            XCTAssertTrue(text.contains(expected), "\(block): expected '\(expected)' in: \(text)")
            XCTAssertFalse(text.contains("secret"), text)
        }
    }

    func testThePasswordFileIsReadWithTheCredentialsDirectory() throws {
        let directory = try TemporaryDirectory.make("blurd-mqtt-config", for: self)
        try "s3cret\n".write(to: directory.appendingPathComponent("mqtt"), atomically: true, encoding: .utf8)
        let block = "{url: 'mqtt://broker', username: blurd, password_file: '${CREDENTIALS_DIRECTORY}/mqtt'}"
        let config = try XCTUnwrap(try parse(block, environment: ["CREDENTIALS_DIRECTORY": directory.path]))
        XCTAssertEqual(config.password?.value, "s3cret")
        XCTAssertFalse("\(config)".contains("s3cret"))
        XCTAssertTrue(message(block).contains("$CREDENTIALS_DIRECTORY is not set"), message(block))
        let missing = message("{url: 'mqtt://broker', username: blurd, password_file: /nonexistent/pw}")
        XCTAssertTrue(missing.contains("mqtt.password_file '/nonexistent/pw': cannot read"), missing)
    }

    func testClientIDExpansion() throws {
        var config = MQTTConfig(url: "mqtt://broker")
        XCTAssertEqual(config.expandedClientID(hostName: "cam-box.lan", shard: 2), "blurd-cam-box.lan-2")
        config.clientID = "x%%y-%H"
        XCTAssertEqual(config.expandedClientID(hostName: "odd host/1", shard: 0), "x%y-odd-host-1")
    }

    func testTheOutboxKeepsTheNewestEventsInOrderAndRetainedTopicsFirst() {
        var outbox = MQTTOutbox(eventLimit: 3)
        for index in 1...5 { outbox.enqueue(event: .init(topic: "e", payload: [UInt8(index)], retain: false)) }
        outbox.retain(topic: "s", payload: [1])
        outbox.retain(topic: "s", payload: [2])
        XCTAssertEqual(outbox.dropped, 2)
        XCTAssertEqual(outbox.count, 4)
        XCTAssertEqual(outbox.next(), .init(topic: "s", payload: [2], retain: true))
        XCTAssertEqual(outbox.next()?.payload, [3])
        outbox.enqueueFront(event: .init(topic: "e", payload: [3], retain: false))
        XCTAssertEqual((0..<3).compactMap { _ in outbox.next()?.payload.first }, [3, 4, 5])
        XCTAssertNil(outbox.next())
        // A new connection publishes every retained topic again; a cleared one only once.
        outbox.retain(topic: "gone", payload: [])
        XCTAssertEqual(outbox.next(), .init(topic: "gone", payload: [], retain: true))
        outbox.republishRetained()
        XCTAssertEqual(outbox.next()?.topic, "s")
        XCTAssertNil(outbox.next())
    }

    func testTopicsAndDiscovery() throws {
        let topics = MQTTTopics(prefix: "blurd", instance: "blurd-host-0")
        XCTAssertEqual(topics.availability, "blurd/blurd-host-0/available")
        XCTAssertEqual(topics.relearnStream(of: "blurd/door.1/relearn"), "door.1")
        XCTAssertNil(topics.relearnStream(of: "blurd/a/b/relearn"))
        XCTAssertNil(topics.relearnStream(of: "other/door/relearn"))
        let messages = HomeAssistantDiscovery.messages(stream: "door.1", topics: topics, discoveryPrefix: "homeassistant")
        XCTAssertEqual(messages.map(\.topic), [
            "homeassistant/binary_sensor/blurd_door_1/focus_problem/config",
            "homeassistant/binary_sensor/blurd_door_1/no_picture/config",
            "homeassistant/sensor/blurd_door_1/sharpness/config",
            "homeassistant/sensor/blurd_door_1/blurred_area/config",
            "homeassistant/binary_sensor/blurd_door_1/infrared_mode/config",
            "homeassistant/image/blurd_door_1/snapshot/config",
            "homeassistant/button/blurd_door_1/relearn_baseline/config",
        ])
        let infrared = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(messages[4].payload.utf8)) as? [String: Any])
        XCTAssertEqual(infrared["value_template"] as? String, "{{ 'ON' if value_json.mode == 'ir' else 'OFF' }}")
        XCTAssertEqual(infrared["entity_category"] as? String, "diagnostic")
        let image = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(messages[5].payload.utf8)) as? [String: Any])
        XCTAssertEqual(image["image_topic"] as? String, "blurd/door.1/snapshot")
        XCTAssertEqual(image["content_type"] as? String, "image/jpeg")
        XCTAssertEqual(image["availability_topic"] as? String, "blurd/blurd-host-0/available")
        let button = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(messages[6].payload.utf8)) as? [String: Any])
        XCTAssertEqual(button["command_topic"] as? String, "blurd/door.1/relearn")
    }
}
