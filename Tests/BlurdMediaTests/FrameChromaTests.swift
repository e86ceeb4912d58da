import BlurdCore
import BlurdMedia
import BlurdTestSupport
import Foundation
import XCTest

/// The chroma statistic each delivered frame carries (`FrameMeta.chroma`), on frames decoded
/// from clips ffmpeg makes: colour, grey in a colour format, a gray pixel format, colour
/// desaturated, and the same picture in other layouts (4:4:4, NV12, RGB).
final class FrameChromaTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory.make("blurd-chroma", for: self)
    }

    /// Encodes 5 frames of testsrc2 (320×240) through `filter` with `codec` and `pixelFormat`
    /// into `name`, decodes them with `VideoSource` and returns each frame's statistic.
    private func chroma(_ name: String, filter: String = "null", codec: String = "mpeg2video",
                        pixelFormat: String = "yuv420p") throws -> [Double?] {
        let path = directory.appendingPathComponent(name).path
        try ExternalTool.output("ffmpeg", ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                                           "-vf", filter, "-frames:v", "5", "-c:v", codec, "-pix_fmt", pixelFormat, path])
        let source = try VideoSource(options: VideoSourceOptions(url: path))
        var luma = GrayImage(width: 0, height: 0)
        var values: [Double?] = []
        while let meta = try source.nextFrame(into: &luma) { values.append(meta.chroma) }
        XCTAssertEqual(values.count, 5, name)
        return values
    }

    private func mean(_ values: [Double?]) throws -> Double {
        let known = try values.map { try XCTUnwrap($0) }
        return known.reduce(0, +) / Double(known.count)
    }

    func testColourGreyAndDesaturatedFrames() throws {
        let colour = try mean(chroma("colour.mpg"))
        XCTAssertGreaterThan(colour, 80, "testsrc2 is vividly coloured")

        // The same picture made grey but kept in yuv420p (a camera's infrared mode).
        let grey = try mean(chroma("grey.mpg", filter: "format=gray,format=yuv420p"))
        XCTAssertLessThan(grey, 0.5)
        // Grey with luma noise and slight softness, as at night: still grey.
        let night = try mean(chroma("night.mpg", filter: "format=gray,format=yuv420p,noise=c0s=30:c0f=t,gblur=sigma=0.7"))
        XCTAssertLessThan(night, 0.5)
        // Noise in the chroma planes of a grey picture has no colour on average: the patch means
        // keep it low (per sample it would read about 27).
        let chromaNoise = try mean(chroma("noise.mkv", filter: "format=gray,format=yuv420p,noise=alls=30:allf=t", codec: "ffv1"))
        XCTAssertLessThan(chromaNoise, 8)

        // Desaturation scales the statistic.
        let third = try mean(chroma("third.mpg", filter: "hue=s=0.3"))
        XCTAssertEqual(third / colour, 0.3, accuracy: 0.03)
        let faint = try mean(chroma("faint.mpg", filter: "hue=s=0.03"))
        XCTAssertEqual(faint / colour, 0.03, accuracy: 0.01)
        XCTAssertEqual(try chroma("saturated.mpg", filter: "hue=s=0").map { $0 ?? .nan }.max() ?? .nan, 0, accuracy: 0.5)
    }

    /// A pixel format without chroma planes is grey by definition: exactly 0.
    func testAGrayPixelFormatReadsZero() throws {
        XCTAssertEqual(try chroma("gray.mkv", codec: "ffv1", pixelFormat: "gray"), [0, 0, 0, 0, 0])
        XCTAssertEqual(try chroma("gray16.mkv", codec: "ffv1", pixelFormat: "gray16le"), [0, 0, 0, 0, 0])
    }

    /// Other layouts of the same colour picture read about the same: chroma at full
    /// resolution (4:4:4), interleaved (NV12), deeper (10 bit) and RGB.
    func testOtherPixelFormatsAgree() throws {
        let reference = try mean(chroma("reference.mkv", codec: "ffv1"))
        for (name, codec, format) in [("444.mkv", "ffv1", "yuv444p"), ("nv12.nut", "rawvideo", "nv12"),
                                      ("10bit.mkv", "ffv1", "yuv420p10le"), ("rgb.mkv", "ffv1", "bgr0"),
                                      ("rgb24.nut", "rawvideo", "rgb24")] {
            let value = try mean(chroma(name, codec: codec, pixelFormat: format))
            XCTAssertEqual(value / reference, 1, accuracy: 0.2, "\(format): \(value) vs yuv420p \(reference)")
        }
    }
}
