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
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(listener, generic, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, generic, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
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
