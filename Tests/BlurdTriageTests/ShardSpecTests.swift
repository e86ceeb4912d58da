import BlurdCore
import BlurdTriage
import XCTest

/// `--shard I/N` parsing, its ranges, and the fixed split.
final class ShardSpecTests: XCTestCase {
    func testParsesExplicitAndJobIndex() throws {
        let explicit = try ShardSpec(parsing: "2/8", environment: [:])
        XCTAssertEqual([explicit.index, explicit.count], [2, 8])
        XCTAssertEqual(explicit.description, "2-of-8")
        let fromJob = try ShardSpec(parsing: "8", environment: ["JOB_COMPLETION_INDEX": "7"])
        XCTAssertEqual([fromJob.index, fromJob.count], [7, 8])
        let agreeing = try ShardSpec(parsing: "3/8", environment: ["JOB_COMPLETION_INDEX": "3"])
        XCTAssertEqual(agreeing.index, 3)
        XCTAssertEqual(try ShardSpec(parsing: "0/1", environment: [:]), .whole)
    }

    func testRefusesBadValuesWithExit2() {
        let bad: [(String, [String: String])] = [
            ("8", [:]), ("8/8", [:]), ("-1/8", [:]), ("0/0", [:]), ("0/100001", [:]), ("a/b", [:]), ("1/2/3", [:]),
            ("", [:]), ("/4", [:]), ("1/", [:]), ("1.5/4", [:]), ("99999999999999999999/4", [:]),
            ("2/8", ["JOB_COMPLETION_INDEX": "3"]), ("8", ["JOB_COMPLETION_INDEX": "x"]),
            ("8", ["JOB_COMPLETION_INDEX": "8"]), ("8", ["JOB_COMPLETION_INDEX": "-1"]),
        ]
        for (text, environment) in bad {
            XCTAssertThrowsError(try ShardSpec(parsing: text, environment: environment), "\(text) \(environment)") { error in
                XCTAssertEqual((error as? any BlurdError)?.exitCode, 2, "\(text)")
            }
        }
    }

    /// The 64-bit FNV-1a values of these names (computed independently, in Python) modulo N:
    /// the split must not depend on the process, as Swift's seeded Hasher would.
    func testSplitIsTheFixedHash() {
        XCTAssertEqual(ShardSpec.shard(of: "", count: 7), 2)  // 0xcbf29ce484222325 % 7
        XCTAssertEqual(ShardSpec.shard(of: "a", count: 7), 5)  // 0xaf63dc4c8601ec8c % 7
        XCTAssertEqual(ShardSpec.shard(of: "cardA/A001.mov", count: 7), 1)
        XCTAssertEqual(ShardSpec.shard(of: "cardA/A001.mov", count: 3), 2)
        XCTAssertEqual(ShardSpec.shard(of: "lib/clip-03.mp4", count: 7), 3)
    }

    func testEveryNameHasExactlyOneShardAndTheSplitIsEven() throws {
        let shards = try (0..<4).map { try ShardSpec(parsing: "\($0)/4", environment: [:]) }
        var sizes = [0, 0, 0, 0]
        for number in 0..<2000 {
            let name = "card\(number % 7)/day\(number % 13)/C\(number).mov"
            let owners = shards.filter { $0.owns(name) }
            XCTAssertEqual(owners.count, 1, name)
            sizes[owners[0].index] += 1
        }
        // 500 expected each; a binomial spread stays well within ±100.
        for size in sizes { XCTAssertTrue((400...600).contains(size), "\(sizes)") }
    }
}
