#if canImport(Glibc)
import Glibc
#endif

/// Test sockets on 127.0.0.1, on a port the kernel picks, so parallel runs never collide.
public enum LoopbackSocket {
    /// Binds `descriptor` to 127.0.0.1 port 0, then listens with `listenBacklog` when given, and
    /// returns the port it got; nil when a call failed (`errno` says why).
    public static func bindToFreePort(_ descriptor: Int32, listenBacklog: Int32? = nil) -> UInt16? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0
                    && (listenBacklog.map { listen(descriptor, $0) == 0 } ?? true)
                    && getsockname(descriptor, generic, &length) == 0
            }
        }
        return bound ? UInt16(bigEndian: address.sin_port) : nil
    }
}
