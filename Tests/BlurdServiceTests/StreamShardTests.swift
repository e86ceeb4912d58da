@testable import BlurdService
import XCTest

final class StreamShardTests: XCTestCase {
    /// The nine streams of the three-instance end-to-end test.
    static let nine = (1...9).map { "cam\($0)" }
    static func ownerOf(_ name: String, shards: Int) -> Int { StreamShard.owner(of: name, count: shards) }
    private let many = (0..<1000).map { "site-\($0 / 10)/camera-\($0 % 10)" }

    func testParsesIAndNAndRefusesEverythingElseWithExitTwo() throws {
        let shard = try StreamShard(parsing: "1/3", source: "--shard")
        XCTAssertEqual(shard.index, 1)
        XCTAssertEqual(shard.count, 3)
        XCTAssertEqual(shard.description, "1/3")
        for bad in ["3/3", "-1/3", "0/0", "1", "1/", "/3", "a/b", "0/1001", "1/3/4", " 1/3", ""] {
            XCTAssertThrowsError(try StreamShard(parsing: bad, source: "--shard"), bad) { error in
                XCTAssertEqual((error as? ServiceError)?.exitCode, 2)
                XCTAssertTrue("\(error)".contains("--shard"), "\(error)")
            }
        }
        XCTAssertEqual(try StreamShard(parsing: "999/1000", source: "--shard").index, 999)
    }

    func testOptionWinsOverTheEnvironmentWhichWinsOverTheWhole() throws {
        XCTAssertEqual(try StreamShard.resolve(option: "2/4", environment: ["BLURD_SHARD": "0/3"]).description, "2/4")
        XCTAssertEqual(try StreamShard.resolve(option: nil, environment: ["BLURD_SHARD": "0/3"]).description, "0/3")
        XCTAssertEqual(try StreamShard.resolve(option: nil, environment: ["BLURD_SHARD": ""]), .whole)
        XCTAssertEqual(try StreamShard.resolve(option: nil, environment: [:]), .whole)
        XCTAssertThrowsError(try StreamShard.resolve(option: nil, environment: ["BLURD_SHARD": "3/3"])) { error in
            XCTAssertTrue("\(error)".contains("BLURD_SHARD I must be in 0...2, got 3"), "\(error)")
        }
    }

    /// The split is a fixed function of the names: these owners are what every process, on
    /// every machine, computes (a change here re-homes streams across an upgrade).
    func testTheSplitIsFixedAndEveryStreamHasExactlyOneOwner() throws {
        let owners = Self.nine.map { StreamShard.owner(of: $0, count: 3) }
        XCTAssertEqual(owners, [0, 2, 1, 2, 2, 0, 1, 2, 0])
        XCTAssertEqual(Self.nine.map { StreamShard.owner(of: $0, count: 3) }, owners, "the same on a second call")
        let config = ServiceConfig(streams: Self.nine.map { StreamConfig(name: $0, url: "/dev/null") })
        let parts = try (0..<3).map { try StreamShard(parsing: "\($0)/3", source: "--shard").owned(config).streams.map(\.name) }
        XCTAssertEqual(parts.flatMap { $0 }.sorted(), Self.nine.sorted(), "every stream in exactly one shard: \(parts)")
        XCTAssertEqual(StreamShard.whole.owned(config).streams.count, 9)
        // Spread: of 1000 names, every one of 3 shards gets a fair part.
        let counts = Dictionary(grouping: many) { StreamShard.owner(of: $0, count: 3) }.mapValues(\.count)
        for shard in 0..<3 { XCTAssertGreaterThan(counts[shard] ?? 0, 280, "\(counts)") }
    }

    /// Going from 3 to 4 shards moves only the streams the new shard wins: at most a third
    /// plus one of them (about a quarter expected), and none between the old shards.
    func testAFourthShardMovesOnlyTheStreamsItTakes() {
        for names in [Self.nine, many] {
            let moved = names.filter { StreamShard.owner(of: $0, count: 3) != StreamShard.owner(of: $0, count: 4) }
            XCTAssertLessThanOrEqual(moved.count, names.count / 3 + 1, "moved \(moved.count) of \(names.count)")
            for name in moved { XCTAssertEqual(StreamShard.owner(of: name, count: 4), 3, name) }
        }
        let movedOfMany = many.filter { StreamShard.owner(of: $0, count: 3) != StreamShard.owner(of: $0, count: 4) }
        XCTAssertGreaterThan(movedOfMany.count, 180, "the fourth shard takes its fair part")
        // Removing a stream moves no other.
        let before = many.map { StreamShard.owner(of: $0, count: 5) }
        XCTAssertEqual(many.dropFirst().map { StreamShard.owner(of: $0, count: 5) }, Array(before.dropFirst()))
    }

    /// A reload judged on the whole file: the owner clears a stream removed from the file, but
    /// only forgets one that moved to another shard, whose new owner has announced it.
    func testTheMQTTBridgeClearsOnlyStreamsRemovedFromTheWholeConfig() throws {
        let shard = try StreamShard(parsing: "0/3", source: "--shard")
        let mine = Self.nine.filter(shard.owns)
        XCTAssertEqual(mine, ["cam1", "cam6", "cam9"])
        // cam6 leaves the file, the others stay.
        let reloaded = ServiceConfig(streams: Self.nine.filter { $0 != "cam6" }.map { StreamConfig(name: $0, url: "/dev/null") })
        let sameShard = MQTTBridge.retired(previouslyOwned: mine, config: reloaded, shard: shard)
        XCTAssertEqual(sameShard.removed, ["cam6"])
        XCTAssertEqual(sameShard.released, [])
        // Had the instance become shard 1: cam1 and cam9 are shard 0's now, not removed.
        let otherShard = try StreamShard(parsing: "1/3", source: "--shard")
        let moved = MQTTBridge.retired(previouslyOwned: mine, config: reloaded, shard: otherShard)
        XCTAssertEqual(moved.removed, ["cam6"])
        XCTAssertEqual(moved.released, ["cam1", "cam9"])
        // Unsharded, every stream still in the file stays.
        XCTAssertEqual(MQTTBridge.retired(previouslyOwned: Self.nine, config: reloaded, shard: .whole).released, [])
    }

    func testHealthzNamesTheShard() throws {
        let shard = try StreamShard(parsing: "2/3", source: "--shard")
        let now = ContinuousClock.now
        let status = StreamStatus(name: "cam2", state: .running, since: now, lastProgress: now, downSince: nil, reason: nil)
        let json = FleetHealth.evaluate([(status, ReconnectPolicy(healthBudgetSeconds: 30))], shard: shard, now: now).json
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(body["shard"] as? String, "2/3")
        XCTAssertEqual((body["streams"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["cam2"])
    }
}
