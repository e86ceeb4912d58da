import BlurdTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-connection TCP server on 127.0.0.1 that sends `payload` and then keeps the connection
/// open without sending more, like a live camera that stalled.
final class LocalStreamServer {
    let port: UInt16
    private let listener: Int32
    private let release = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(payload: [UInt8]) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EMFILE) }
        guard let port = LoopbackSocket.bindToFreePort(listener, listenBacklog: 1) else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        self.listener = listener
        self.port = port
        let release = release, done = done
        Thread.detachNewThread {
            let client = accept(listener, nil, nil)
            if client >= 0 {
                var sent = 0
                payload.withUnsafeBytes { bytes in
                    while sent < bytes.count {
                        let written = send(client, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                        if written <= 0 { break }
                        sent += written
                    }
                }
                release.wait()
                close(client)
            }
            done.signal()
        }
    }

    /// Closes the connection and the listener; call once, after the client is done.
    func stop() {
        release.signal()
        done.wait()
        close(listener)
    }
}
