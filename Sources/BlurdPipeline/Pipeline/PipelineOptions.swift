import Foundation

/// How the pipeline runs: worker count, ring size, what to do when analysis falls behind.
public struct PipelineOptions: Sendable {
    /// Analysis workers; defaults to the active core count.
    public var workers: Int
    /// Ring buffer slots; nil means `2 * workers + 2`, enough for every worker to hold a frame
    /// while the decoder fills the next ones.
    public var ringCapacity: Int?
    public var dropPolicy: DropPolicy

    public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, ringCapacity: Int? = nil,
                dropPolicy: DropPolicy = .block) {
        self.workers = workers
        self.ringCapacity = ringCapacity
        self.dropPolicy = dropPolicy
    }

    /// The slot count actually used. Slots are held until the ordered sink has written them,
    /// so with fewer slots than workers some workers would always sit idle.
    public var effectiveRingCapacity: Int { max(ringCapacity ?? 2 * workers + 2, workers + 1) }
}
