import Foundation
import Glibc

/// A datagram socket bound where a test's `NOTIFY_SOCKET` points, standing in for systemd:
/// it collects the sd_notify messages the daemon sends.
final class NotifySocket {
    /// The value for `NOTIFY_SOCKET` (a filesystem path, or '@name' for the abstract namespace).
    let environmentValue: String
    private let descriptor: Int32
    private let path: String?

    /// Binds a socket at a fresh path in the temporary directory, or an abstract name.
    init(abstract: Bool) throws {
        let name = "blurd-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes: [UInt8]
        if abstract {
            bytes = [0] + Array(name.utf8)
            environmentValue = "@" + name
            path = nil
        } else {
            let file = NSTemporaryDirectory() + name + ".sock"
            bytes = Array(file.utf8) + [0]
            environmentValue = file
            path = file
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw NotifySocketError.failed("socket: \(String(cString: strerror(errno)))") }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard status == 0 else {
            close(descriptor)
            throw NotifySocketError.failed("bind \(environmentValue): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(descriptor)
        if let path { unlink(path) }
    }

    /// The next datagram, or nil when none arrives within `timeout` seconds.
    func receive(timeout: Double) -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// Collects datagrams until one satisfies `predicate` or `timeout` seconds pass.
    func receive(until predicate: (String) -> Bool, timeout: Double) -> (all: [String], match: String?) {
        let deadline = Date().addingTimeInterval(timeout)
        var all: [String] = []
        while Date() < deadline {
            guard let message = receive(timeout: max(0.01, deadline.timeIntervalSinceNow)) else { break }
            all.append(message)
            if predicate(message) { return (all, message) }
        }
        return (all, nil)
    }
}

enum NotifySocketError: Error {
    case failed(String)
}
