import BlurdService
import XCTest

final class SystemdNotifierTests: XCTestCase {
    func testNoSocketMeansNoNotifier() throws {
        XCTAssertNil(try SystemdNotifier(environment: [:]))
        XCTAssertNil(try SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]))
    }

    func testDatagramsReachAFilesystemSocket() throws {
        let socket = try NotifySocket(abstract: false)
        let notifier = try XCTUnwrap(try SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.environmentValue]))
        try notifier.notify("READY=1")
        try notifier.notify("STATUS=cam1: running\nWATCHDOG=1")
        XCTAssertEqual(socket.receive(timeout: 2), "READY=1")
        XCTAssertEqual(socket.receive(timeout: 2), "STATUS=cam1: running\nWATCHDOG=1")
    }

    func testDatagramsReachAnAbstractSocket() throws {
        let socket = try NotifySocket(abstract: true)
        XCTAssertTrue(socket.environmentValue.hasPrefix("@"))
        let notifier = try XCTUnwrap(try SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.environmentValue]))
        try notifier.notify("WATCHDOG=1")
        XCTAssertEqual(socket.receive(timeout: 2), "WATCHDOG=1")
    }

    /// A receiver that reads nothing: once its queue is full a notification fails at once
    /// instead of blocking the daemon's report loop (which also decides the watchdog ping).
    func testAFullQueueFailsInsteadOfBlocking() throws {
        let socket = try NotifySocket(abstract: false)
        let notifier = try XCTUnwrap(try SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.environmentValue]))
        var sent = 0, refused = 0
        for _ in 0..<2000 {
            do {
                try notifier.notify("WATCHDOG=1")
                sent += 1
            } catch {
                refused += 1
                XCTAssertTrue("\(error)".contains("sd_notify"), "\(error)")
            }
        }
        XCTAssertGreaterThan(sent, 0)
        XCTAssertGreaterThan(refused, 0, "2000 unread datagrams all queued")
        XCTAssertEqual(socket.receive(timeout: 2), "WATCHDOG=1")
    }

    func testWatchdogIntervalHonoursPid() throws {
        let socket = try NotifySocket(abstract: true)
        let base = ["NOTIFY_SOCKET": socket.environmentValue, "WATCHDOG_USEC": "3000000"]
        XCTAssertEqual(try SystemdNotifier(environment: base)?.watchdogInterval, .seconds(3))
        var mine = base
        mine["WATCHDOG_PID"] = String(getpid())
        XCTAssertEqual(try SystemdNotifier(environment: mine)?.watchdogInterval, .seconds(3))
        var other = base
        other["WATCHDOG_PID"] = String(getpid() + 1)
        XCTAssertNil(try SystemdNotifier(environment: other)?.watchdogInterval)
    }

    /// A line break would end STATUS= and turn the rest into assignments of their own.
    func testStatusIsOneRedactedAssignment() {
        XCTAssertEqual(SystemdNotifier.statusAssignment("reload rejected: config: not valid YAML: 1:5: error\n  url: x\n   ^\nWATCHDOG=1"),
                       "STATUS=reload rejected: config: not valid YAML: 1:5: error   url: x    ^ WATCHDOG=1")
        XCTAssertEqual(SystemdNotifier.statusAssignment("door reconnecting (cannot open rtsp://admin:PLANTED@cam/s1: refused)"),
                       "STATUS=door reconnecting (cannot open rtsp://***@cam/s1: refused)")
        // Cut after the redaction, so a cut cannot leave a password without its '@'.
        XCTAssertEqual(SystemdNotifier.statusAssignment("cannot open rtsp://admin:PLANTED@cam/s1", limit: 25),
                       "STATUS=cannot open rtsp://***@ca")
    }

    func testRelativeSocketPathIsRejected() {
        XCTAssertThrowsError(try SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative.sock"]))
    }
}
