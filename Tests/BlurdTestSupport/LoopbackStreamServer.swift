import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP server on 127.0.0.1 that plays a live source which comes back: connection `n` gets
/// `payloads[n]`, then the server closes it (the end of that connection's stream). Connections
/// after the last payload are closed at once, so a client that keeps reconnecting reads nothing.
// Unchecked: the one `var`, `served`, is read and written only under `lock`; the rest is `let`.
public final class LoopbackStreamServer: @unchecked Sendable {
    public let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var served = 0
    private let done = DispatchSemaphore(value: 0)

    public init(payloads: [Data]) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EMFILE) }
        guard let port = LoopbackSocket.bindToFreePort(listener, listenBacklog: 4) else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        self.listener = listener
        self.port = port
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                // stop() shuts the listener down, which ends accept with an error.
                guard client >= 0 else { break }
                let index = lock.withLock { () -> Int in
                    defer { served += 1 }
                    return served
                }
                if index < payloads.count { send(payloads[index], to: client) }
                close(client)
            }
            done.signal()
        }
    }

    /// Connections accepted so far.
    public var connections: Int { lock.withLock { served } }

    /// Stops accepting and closes the listener; call once, after the client is done.
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        done.wait()
        close(listener)
    }

    private func send(_ payload: Data, to client: Int32) {
        payload.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let written = Glibc.send(client, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                if written <= 0 { break }
                sent += written
            }
        }
    }
}
