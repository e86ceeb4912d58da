@testable import BlurdService
import BlurdTestSupport
import Foundation
import XCTest

/// A stream's `username` and `password_file`: the file is read when the configuration loads,
/// its password reaches only the URL handed to FFmpeg, a changed file makes the stream differ
/// (so a reload restarts it), and every problem is a config error that names the file, never
/// the password.
final class StreamCredentialsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory.make("blurd-credentials", for: self)
    }

    private func write(_ text: String, to name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func stream(_ keys: String, environment: [String: String] = [:]) throws -> StreamConfig {
        try ServiceConfig.parse(yaml: "streams: [{name: door, url: 'rtsp://192.0.2.10:554/stream1', \(keys)}]",
                                environment: environment).streams[0]
    }

    private func message(_ keys: String, url: String = "rtsp://192.0.2.10:554/stream1",
                         environment: [String: String] = [:]) -> String {
        do {
            _ = try ServiceConfig.parse(yaml: "streams: [{name: door, url: '\(url)', \(keys)}]", environment: environment)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    func testThePasswordFileGoesIntoTheURLHandedToFFmpegOnly() throws {
        // Characters that mean something in a URL, a space and a non-ASCII letter; one line break.
        let path = try write("pa:ss@w/rd?#% ü\n", to: "door-password")
        let door = try stream("username: 'ad min', password_file: '\(path)'")
        XCTAssertEqual(door.url, "rtsp://192.0.2.10:554/stream1")
        XCTAssertEqual(door.recipe.input.url,
                       "rtsp://ad%20min:pa%3Ass%40w%2Frd%3F%23%25%20%C3%BC@192.0.2.10:554/stream1")
        // Neither the config's description nor a dump shows it.
        var dumped = ""
        dump(door, to: &dumped)
        for text in ["\(door)", String(reflecting: door), dumped] {
            XCTAssertFalse(text.contains("pa:ss"), text)
        }

        // A user name alone; no credentials leaves the URL as written.
        XCTAssertEqual(try stream("username: viewer").recipe.input.url, "rtsp://viewer@192.0.2.10:554/stream1")
        XCTAssertEqual(try stream("workers: 1").recipe.input.url, "rtsp://192.0.2.10:554/stream1")
    }

    /// systemd's LoadCredential= puts the file in $CREDENTIALS_DIRECTORY; either spelling of the
    /// variable is replaced, and CRLF line ends go too.
    func testCredentialsDirectoryIsExpanded() throws {
        _ = try write("s3cret\r\n", to: "door-password")
        let environment = ["CREDENTIALS_DIRECTORY": directory.path]
        for reference in ["${CREDENTIALS_DIRECTORY}", "$CREDENTIALS_DIRECTORY"] {
            let door = try stream("username: admin, password_file: '\(reference)/door-password'", environment: environment)
            XCTAssertEqual(door.passwordFile, "\(reference)/door-password", "kept as written")
            XCTAssertEqual(door.recipe.input.url, "rtsp://admin:s3cret@192.0.2.10:554/stream1")
        }
        XCTAssertTrue(message("username: admin, password_file: '${CREDENTIALS_DIRECTORY}/door-password'")
            .contains("password_file '${CREDENTIALS_DIRECTORY}/door-password': $CREDENTIALS_DIRECTORY is not set"))
    }

    /// Two loads of an unchanged file compare equal (a reload leaves the stream alone); a new
    /// password makes them differ (a reload restarts the stream with it).
    func testAChangedPasswordMakesTheStreamDiffer() throws {
        let path = try write("first\n", to: "door-password")
        let keys = "username: admin, password_file: '\(path)'"
        let before = try stream(keys)
        XCTAssertEqual(before, try stream(keys))
        _ = try write("second\n", to: "door-password")
        XCTAssertNotEqual(before, try stream(keys))
    }

    func testProblemsNameTheFileAndNeverThePassword() throws {
        XCTAssertEqual(message("username: admin, password_file: /nonexistent/door-password"),
                       "config: streams[0] (door): password_file '/nonexistent/door-password': "
                       + "cannot read: No such file or directory")
        let empty = try write("\n", to: "empty")
        XCTAssertTrue(message("username: admin, password_file: '\(empty)'").hasSuffix("'\(empty)': holds no password"))
        XCTAssertTrue(message("username: admin, password_file: '\(directory.path)'").contains("cannot read: Is a directory"))
        let big = try write(String(repeating: "x", count: 5000), to: "big")
        XCTAssertTrue(message("username: admin, password_file: '\(big)'").contains("larger than 4096 bytes"))

        let path = try write("PLANTED\n", to: "door-password")
        XCTAssertTrue(message("password_file: '\(path)'").contains("password_file needs username"))
        XCTAssertTrue(message("username: ''").contains("username is empty"))
        XCTAssertTrue(message("username: admin", url: "/var/lib/blurd/door.ts")
            .contains("username and password_file apply to scheme://… URLs only"))
        // Credentials in the URL and as keys: which to use would be a guess.
        let twice = message("username: admin, password_file: '\(path)'", url: "rtsp://admin:OTHER@192.0.2.10/stream1")
        XCTAssertTrue(twice.contains("url has credentials ('user:password@') and username or password_file gives them again"),
                      twice)
        XCTAssertFalse(twice.contains("PLANTED") || twice.contains("OTHER"), twice)
    }
}
