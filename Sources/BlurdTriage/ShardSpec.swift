import BlurdCore
import BlurdMedia

/// `--shard I/N`: this process triages the clips of shard I (0-based) of N. Every shard computes
/// the same split on its own from the clips' names (`ROOT/RELATIVE`, the path below the PATH
/// arguments), so N processes given the same PATHs — the pods of a Kubernetes Indexed Job —
/// share a library without talking to each other. A run without `--shard` is shard 0 of 1.
public struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
    /// N: 1 … 100000 shards, far beyond any cluster's parallelism for one library.
    public static let countRange = ValueRange(1...100_000)
    /// The variable the Kubernetes Job controller sets to the pod's completion index.
    public static let indexVariable = "JOB_COMPLETION_INDEX"

    /// I: 0 … N-1.
    public let index: Int
    /// N.
    public let count: Int

    /// The whole library in one process.
    public static let whole = ShardSpec(checkedIndex: 0, count: 1)

    private init(checkedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Shard `index` of `count`; nil when either is out of range (a manifest's numbers).
    init?(validIndex index: Int, count: Int) {
        guard Self.countRange.contains(count), (0..<count).contains(index) else { return nil }
        self.init(checkedIndex: index, count: count)
    }

    /// `I/N`, or `N` alone with I from `JOB_COMPLETION_INDEX` in `environment`. When both give
    /// an I they must agree: a manifest passing one fixed I to every pod would make all of them
    /// triage the same shard. Throws `MediaError.invalidOption` (exit 2) for anything else.
    public init(parsing text: String, environment: [String: String]) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let count = Int(parts[parts.count - 1]) else {
            throw MediaError.invalidOption("--shard must be I/N or N (with \(Self.indexVariable) set), got '\(text)'")
        }
        if let problem = Self.countRange.problem("--shard N", count) { throw MediaError.invalidOption(problem) }
        let indexRange = ValueRange(0...count - 1)
        var index: Int?
        if parts.count == 2 {
            guard let given = Int(parts[0]) else {
                throw MediaError.invalidOption("--shard must be I/N or N (with \(Self.indexVariable) set), got '\(text)'")
            }
            if let problem = indexRange.problem("--shard I", given) { throw MediaError.invalidOption(problem) }
            index = given
        }
        if let variable = environment[Self.indexVariable] {
            guard let fromJob = Int(variable) else {
                throw MediaError.invalidOption("\(Self.indexVariable) must be a whole number, got '\(variable)'")
            }
            if let problem = indexRange.problem(Self.indexVariable, fromJob) { throw MediaError.invalidOption(problem) }
            if let index, index != fromJob {
                throw MediaError.invalidOption("--shard \(text) disagrees with \(Self.indexVariable)=\(fromJob)")
            }
            index = fromJob
        }
        guard let index else {
            throw MediaError.invalidOption("--shard \(text) gives no I and \(Self.indexVariable) is not set (use I/N)")
        }
        self.init(checkedIndex: index, count: count)
    }

    /// `I-of-N`: how the shard's manifest and log are named.
    public var description: String { "\(index)-of-\(count)" }

    /// Whether the clip or file named `name` (`ROOT/RELATIVE`) belongs to this shard.
    public func owns(_ name: String) -> Bool {
        Self.shard(of: name, count: count) == index
    }

    /// The shard of `name` among `count`: the 64-bit FNV-1a hash of its UTF-8 bytes (`FNV1a`),
    /// modulo `count`, so every process, machine and release splits a library the same way.
    public static func shard(of name: String, count: Int) -> Int {
        Int(FNV1a.hash64(name.utf8) % UInt64(count))
    }
}
