import Foundation

/// Turns SIGINT/SIGTERM into a flag the training loop polls, so an interrupted run still
/// writes its checkpoint instead of dying mid-step.
// Unchecked: `requested` and `sources` are used only while holding `lock`. (A Mutex cannot hold
// the sources: they are not Sendable, so its region check rejects storing one.)
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    public var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    public func request() {
        lock.lock()
        requested = true
        lock.unlock()
    }

    /// Routes SIGINT and SIGTERM to `request()`; a second signal exits at once.
    public func installSignalHandlers() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                if isRequested {
                    FileHandle.standardError.write("\nsecond interrupt: exiting without a checkpoint\n".data(using: .utf8)!)
                    exit(130)
                }
                FileHandle.standardError.write("\ninterrupt: finishing the step and writing a checkpoint\n".data(using: .utf8)!)
                request()
            }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }
}
