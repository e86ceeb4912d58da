import BlurdCore
import BlurdMedia
import BlurdTestSupport
import XCTest

final class VideoWriterTests: XCTestCase {
    func testWrittenClipsProbeWithTheRightFrameCountAndSize() throws {
        let directory = try TemporaryDirectory.make("blurd-media", for: self)
        for (codec, name) in [("libx264", "clip.mp4"), ("libx264", "clip.ts"), ("mpeg4", "clip.avi"),
                              ("mjpeg", "clip.mkv"), ("ffv1", "clip.mkv")] {
            let path = directory.appendingPathComponent("\(codec)-\(name)").path
            try TestMedia.makeClip(at: path, frames: 20, width: 160, height: 96, codec: codec)
            let probe = try ExternalTool.output("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
                                                      "-show_entries", "stream=width,height,nb_read_frames",
                                                      "-of", "csv=p=0", path])
            // MPEG-TS lists the stream once per program as well; every listing must agree.
            let lines = probe.split(separator: "\n").filter { !$0.isEmpty }
            XCTAssertFalse(lines.isEmpty)
            for line in lines { XCTAssertEqual(line, "160,96,20", "\(codec) \(name)") }
        }
    }

    func testRejectsOddSizesAndMismatchedFrames() throws {
        let directory = try TemporaryDirectory.make("blurd-media", for: self)
        let path = directory.appendingPathComponent("x.mp4").path
        XCTAssertThrowsError(try VideoWriter(options: VideoWriterOptions(path: path, width: 33, height: 32)))
        let writer = try VideoWriter(options: VideoWriterOptions(path: path, width: 32, height: 32))
        XCTAssertThrowsError(try writer.write(gray: GrayImage(width: 16, height: 16)))
        XCTAssertThrowsError(try writer.write(yuv420: [UInt8](repeating: 0, count: 32 * 32), u: [], v: []))
        try writer.finish()
        XCTAssertThrowsError(try writer.write(gray: GrayImage(width: 32, height: 32)))
    }

    func testUnknownEncoderIsUnsupportedCodec() throws {
        let directory = try TemporaryDirectory.make("blurd-media", for: self)
        var options = VideoWriterOptions(path: directory.appendingPathComponent("x.mkv").path, width: 32, height: 32)
        options.codec = "no-such-encoder"
        XCTAssertThrowsError(try VideoWriter(options: options)) { error in
            guard case MediaError.unsupportedCodec = error else { return XCTFail("got \(error)") }
        }
    }
}
