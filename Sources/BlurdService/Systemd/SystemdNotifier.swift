import BlurdCore
import Glibc

/// Sends service manager notifications (`READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`) over
/// the documented sd_notify datagram protocol: one AF_UNIX SOCK_DGRAM datagram to the path in
/// `$NOTIFY_SOCKET`, in the abstract namespace when the path starts with '@'.
///
/// Written by hand rather than linking libsystemd: the protocol is one `sendto`, and the daemon
/// then runs (and is tested) the same with or without systemd's development files.
public final class SystemdNotifier: Sendable {
    private let address: sockaddr_un
    private let addressLength: socklen_t
    private let descriptor: Int32
    /// The watchdog interval systemd expects pings within, from `$WATCHDOG_USEC`; nil when the
    /// unit has no `WatchdogSec=` (or the variable names another process in `$WATCHDOG_PID`).
    public let watchdogInterval: Duration?

    /// A notifier for the socket named by `environment` (normally the process environment);
    /// nil when `NOTIFY_SOCKET` is unset or empty, i.e. not started by systemd with `Type=notify`.
    public init?(environment: [String: String]) throws {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw ServiceError.notify("NOTIFY_SOCKET path is longer than \(capacity - 1) bytes: \(path)")
        }
        guard abstract || bytes.first == UInt8(ascii: "/") else {
            throw ServiceError.notify("NOTIFY_SOCKET must be an absolute path or start with '@': \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        // Abstract names are not NUL-terminated: the length says where they end.
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        self.address = address
        self.addressLength = socklen_t(pathOffset + bytes.count + (abstract ? 0 : 1))
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw ServiceError.notify("cannot create the notify socket: \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.watchdogInterval = Self.watchdogInterval(environment)
    }

    deinit { close(descriptor) }

    /// Sends one notification, e.g. `"READY=1"` or `"STATUS=cam1: running"`; several
    /// assignments may be joined with newlines. Never waits: when the receiver's queue is full
    /// (a busy or stuck manager; Linux queues as few as 10 datagrams) it throws instead, so the
    /// caller's loop, which also decides the watchdog, keeps running and sends again later.
    public func notify(_ state: String) throws {
        let bytes = Array(state.utf8)
        var address = self.address
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), socketAddress,
                           addressLength)
                }
            }
        }
        guard sent == bytes.count else {
            let reason = sent < 0 ? String(cString: strerror(errno)) : "short write"
            throw ServiceError.notify("sd_notify '\(state.prefix(40))' failed: \(reason)")
        }
    }

    /// `STATUS=text` as one assignment of at most `limit` characters of text: a line break
    /// would end it and make the rest (a YAML error's echoed lines, say) assignments of their
    /// own. URLs' userinfo is redacted (before the cut, which could split a URL), since
    /// `systemctl status` shows the line to every local user.
    public static func statusAssignment(_ text: String, limit: Int = .max) -> String {
        "STATUS=" + URLRedaction.redact(text).split(whereSeparator: \.isNewline).joined(separator: " ").prefix(limit)
    }

    private static func watchdogInterval(_ environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else {
            return nil
        }
        if let pid = environment["WATCHDOG_PID"], let owner = Int32(pid), owner != getpid() { return nil }
        return .microseconds(microseconds)
    }
}
