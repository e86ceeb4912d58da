@testable import BlurdMedia
import BlurdCore
import BlurdTestSupport
import Logging
import XCTest

/// `URLRedaction`: the userinfo of every URL is hidden in printed text and dropped from the
/// camera's identity, whatever the scheme, characters or host form; media errors and libav*'s
/// own messages about an input whose URL holds a password do not show it.
final class URLRedactionTests: XCTestCase {
    func testTheUserinfoOfOneURLIsMasked() {
        let cases: [(String, String)] = [
            ("rtsp://admin:PASSWORD@cam/stream1", "rtsp://***@cam/stream1"),
            ("rtsps://admin:PASSWORD@192.0.2.10:322/live?channel=1", "rtsps://***@192.0.2.10:322/live?channel=1"),
            ("http://viewer:PASSWORD@cam.example:8080/video.mjpg", "http://***@cam.example:8080/video.mjpg"),
            ("udp://user:PASSWORD@239.0.0.1:5000?pkt_size=1316", "udp://***@239.0.0.1:5000?pkt_size=1316"),
            // A user name alone may be a token: hidden too.
            ("https://TOKEN@cam.example/feed", "https://***@cam.example/feed"),
            // Percent-encoded characters, and a raw '@' in the password: the last '@' ends the userinfo.
            ("rtsp://admin:p%40ss%3Aw%2Fd@cam/stream1", "rtsp://***@cam/stream1"),
            ("rtsp://admin:p@ss@w@rd@cam/stream1", "rtsp://***@cam/stream1"),
            // A raw '/' or '?' in the password still stays hidden.
            ("rtsp://admin:pa/ss?wd@cam/stream1", "rtsp://***@cam/stream1"),
            ("rtsp://admin:PASSWORD@[2001:db8::10]:554/stream1", "rtsp://***@[2001:db8::10]:554/stream1"),
            ("rtsp://admin:PASSWORD@[::1]/stream1", "rtsp://***@[::1]/stream1"),
        ]
        for (url, redacted) in cases {
            XCTAssertEqual(URLRedaction.redact(url), redacted, url)
        }
    }

    func testURLsWithoutUserinfoAndOtherTextAreUnchanged() {
        for text in ["rtsp://192.0.2.10:554/stream1", "udp://0.0.0.0:5000", "http://[::1]:9464/metrics",
                     "/var/lib/blurd/clip.ts", "pipe:0", "/dev/video0", "user@host: no scheme here",
                     "cam1 running; cam2 reconnecting (end of stream; attempt 2 in 1.00 s)", ""] {
            XCTAssertEqual(URLRedaction.redact(text), text)
        }
    }

    /// Log lines and error messages: every URL in the text, each up to the next whitespace.
    func testEveryURLInATextIsRedacted() {
        XCTAssertEqual(URLRedaction.redact("cannot open rtsp://admin:SECRET@cam/s1: Connection refused"),
                       "cannot open rtsp://***@cam/s1: Connection refused")
        XCTAssertEqual(URLRedaction.redact("url 'rtsp://a:SECRET@h/x': unsupported; then http://b:OTHER@k/y\nand udp://h:1"),
                       "url 'rtsp://***@h/x': unsupported; then http://***@k/y\nand udp://h:1")
        XCTAssertEqual(URLRedaction.redact("Connection to tcp://u:SECRET@127.0.0.1:9?timeout=2000000 failed"),
                       "Connection to tcp://***@127.0.0.1:9?timeout=2000000 failed")
        XCTAssertEqual(URLRedaction.redact("mail me@example.com about rtsp://cam/s1"), "mail me@example.com about rtsp://cam/s1")
    }

    /// Secrets FFmpeg's protocols take as query parameters (SRT's passphrase, SRTP keys, a
    /// camera's token): the value hidden, the parameter's name and the other parameters kept.
    func testSecretQueryValuesAreMasked() {
        let cases: [(String, String)] = [
            ("srt://cam:9000?mode=caller&passphrase=SECRETSECRET&pbkeylen=16",
             "srt://cam:9000?mode=caller&passphrase=***&pbkeylen=16"),
            ("srtp://239.0.0.1:5004?srtp_in_suite=AES_CM_128_HMAC_SHA1_80&srtp_in_params=SECRETKEY",
             "srtp://239.0.0.1:5004?srtp_in_suite=AES_CM_128_HMAC_SHA1_80&srtp_in_params=***"),
            ("http://cam.example/video.cgi?resolution=1080&PWD=SECRET", "http://cam.example/video.cgi?resolution=1080&PWD=***"),
            ("https://u:SECRET@cam.example/live?token=SECRET2", "https://***@cam.example/live?token=***"),
            ("rtsp://cam/stream1?channel=1&keyframes=1", "rtsp://cam/stream1?channel=1&keyframes=1"),
        ]
        for (url, redacted) in cases {
            XCTAssertEqual(URLRedaction.redact(url), redacted, url)
        }
        XCTAssertEqual(URLRedaction.redact("opening srt://cam:9000?passphrase=SECRET failed: timeout"),
                       "opening srt://cam:9000?passphrase=*** failed: timeout")
    }

    /// Baselines are stored under the camera's identity: the same whatever password reaches it.
    func testCameraIdentityHoldsNoSecret() {
        XCTAssertEqual(URLRedaction.cameraIdentity("rtsp://admin:OLD@cam/stream1"),
                       URLRedaction.cameraIdentity("rtsp://cam/stream1"))
        XCTAssertEqual(URLRedaction.cameraIdentity("srt://cam:9000?passphrase=OLDSECRET&latency=200"),
                       URLRedaction.cameraIdentity("srt://cam:9000?passphrase=NEWSECRET&latency=200"))
        XCTAssertEqual(URLRedaction.cameraIdentity("srt://cam:9000?passphrase=OLDSECRET&latency=200"),
                       "srt://cam:9000?passphrase=***&latency=200")
    }

    func testRemovingUserinfoNamesTheCamera() {
        XCTAssertEqual(URLRedaction.removingUserinfo("rtsp://admin:PASSWORD@cam/stream1"), "rtsp://cam/stream1")
        XCTAssertEqual(URLRedaction.removingUserinfo("rtsp://admin@cam/stream1"), "rtsp://cam/stream1")
        XCTAssertEqual(URLRedaction.removingUserinfo("rtsp://admin:p@ss@[2001:db8::10]:554/s"), "rtsp://[2001:db8::10]:554/s")
        XCTAssertEqual(URLRedaction.removingUserinfo("rtsp://cam/stream1"), "rtsp://cam/stream1")
        XCTAssertEqual(URLRedaction.removingUserinfo("/var/lib/clip@2x.ts"), "/var/lib/clip@2x.ts")
    }

    /// The messages that embed an input's URL (the supervisor logs them as reasons).
    func testMediaErrorsDoNotShowTheURLsPassword() {
        let url = "rtsp://admin:SECRET@192.0.2.10/stream1"
        let errors: [MediaError] = [
            .openFailed(url: url, reason: "Connection refused"), .noVideoStream(url),
            .ioError("no data from \(url) for 10.0 s"), .ioError("reading \(url): End of file"),
            .unsupportedCodec("no decoder for hevc in \(url)"),
        ]
        for error in errors {
            XCTAssertFalse(error.description.contains("SECRET"), error.description)
            XCTAssertTrue(error.description.contains("rtsp://***@192.0.2.10/stream1"), error.description)
        }
    }

    /// A refused connection to an input whose URL holds a password: libavformat's tcp protocol
    /// logs "Connection to tcp://…@127.0.0.1:9 failed", and the open fails with the URL in its
    /// message. Neither shows the password.
    func testARefusedConnectionLogsAndThrowsWithoutThePassword() throws {
        let log = CapturedLog()
        FFmpegLog.route(to: log.logger)
        defer { FFmpegLog.route(to: Logger(label: "ffmpeg") { StreamLogHandler.standardError(label: $0) }) }
        var options = VideoSourceOptions(url: "tcp://viewer:PLANTED-p%40ss@127.0.0.1:9")
        options.timeoutSeconds = 2
        options.logLabel = "door"
        XCTAssertThrowsError(try VideoSource(options: options)) { error in
            XCTAssertFalse("\(error)".contains("PLANTED"), "\(error)")
            XCTAssertTrue("\(error)".contains("tcp://***@127.0.0.1:9"), "\(error)")
        }
        let messages = log.records.map(\.message)
        XCTAssertTrue(messages.contains { $0.contains("tcp://***@127.0.0.1:9") }, "\(messages)")
        XCTAssertFalse(messages.contains { $0.contains("PLANTED") }, "\(messages)")
    }
}
