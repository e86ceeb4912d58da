import BlurdCore

/// `blurd serve --shard I/N` (or `BLURD_SHARD=I/N`): this instance watches the streams of shard
/// I (0-based) of N. Every instance reads the same configuration and computes the same split on
/// its own, by rendezvous (highest-random-weight) hashing of the stream names: a stream belongs
/// to the shard whose weight for it is highest. Changing N moves only the streams whose winner
/// changed (about 1/N' of them when going from N to N' = N + 1), and adding or removing a
/// stream moves no other stream. An instance without a shard is shard 0 of 1 and owns them all.
public struct StreamShard: Sendable, Equatable, CustomStringConvertible {
    /// N: 1 … 1000 instances, far beyond any fleet of camera hosts.
    public static let countRange = ValueRange(1...1000)
    /// The environment variable read when `--shard` is not given.
    public static let environmentVariable = "BLURD_SHARD"

    /// I: 0 … N-1.
    public let index: Int
    /// N.
    public let count: Int

    /// One instance watching every stream.
    public static let whole = StreamShard(checkedIndex: 0, count: 1)

    private init(checkedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N`; throws `ServiceError.shard` (exit 2) naming `source` (`--shard`, `BLURD_SHARD`).
    public init(parsing text: String, source: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ServiceError.shard("\(source) must be I/N (shard I of N, I from 0), got '\(text)'")
        }
        if let problem = Self.countRange.problem("\(source) N", count) { throw ServiceError.shard(problem) }
        if let problem = ValueRange(0...count - 1).problem("\(source) I", index) { throw ServiceError.shard(problem) }
        self.init(checkedIndex: index, count: count)
    }

    /// `--shard`'s value if given, else `BLURD_SHARD` from `environment` (an empty value counts
    /// as unset), else the whole fleet.
    public static func resolve(option: String?, environment: [String: String]) throws -> StreamShard {
        if let option { return try StreamShard(parsing: option, source: "--shard") }
        if let variable = environment[environmentVariable], !variable.isEmpty {
            return try StreamShard(parsing: variable, source: environmentVariable)
        }
        return .whole
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }

    /// Whether the stream named `name` belongs to this shard.
    public func owns(_ name: String) -> Bool {
        Self.owner(of: name, count: count) == index
    }

    /// The streams of `config` this shard watches, in configuration order.
    public func owned(_ config: ServiceConfig) -> ServiceConfig {
        var owned = config
        owned.streams = config.streams.filter { owns($0.name) }
        return owned
    }

    /// The shard among `count` that owns `name`: the one with the highest weight, ties (which
    /// a 64-bit weight makes vanishingly rare) to the lowest index.
    public static func owner(of name: String, count: Int) -> Int {
        var best = 0
        var bestWeight = weight(name, shard: 0)
        for shard in 1..<max(count, 1) {
            let candidate = weight(name, shard: shard)
            if candidate > bestWeight {
                best = shard
                bestWeight = candidate
            }
        }
        return best
    }

    /// The weight of `shard` for `name`: the 64-bit FNV-1a hash (`FNV1a`) of the UTF-8 bytes of
    /// "NAME|SHARD", finished with MurmurHash3's fmix64 so that names differing in one byte get
    /// unrelated weights; fixed, so every process, machine and release splits a fleet the same way.
    static func weight(_ name: String, shard: Int) -> UInt64 {
        var hash = FNV1a.hash64("\(name)|\(shard)".utf8)
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }
}
