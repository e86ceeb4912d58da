import BlurdAnalysis
import BlurdCore
import BlurdMedia

/// A small JPEG of one analysed frame as the annotated video shows it (`FrameAnnotator`: the blur
/// overlay from the frame's mask, the score and timecode panel), made long after the run from
/// the source file and the mask its JSON Lines kept: the source is opened, sought to the frame
/// and decoded until it, scaled down, annotated at the small size (so the panel stays legible)
/// and written as a JPEG.
public struct SoftFrameThumbnail: Sendable {
    /// The frame: its JSON Lines `frame` and `pts`, score and mask.
    public var frame: Int
    public var pts: Double
    public var score: Double
    public var mask: BlurMap
    /// The label of the panel.
    public var timecode: String

    /// Long side of the thumbnails in pixels.
    public static let longSide = 384
    /// The mjpeg quantiser: small files that still show the overlay's edges.
    public static let jpegQuality = 5
    /// Frames decoded past the seek point before giving up on reaching `frame` (a seek lands on
    /// the key frame before it; ten seconds of 60 fps covers any sane GOP).
    public static let maximumFramesAfterSeek = 600

    public init(frame: Int, pts: Double, score: Double, mask: BlurMap, timecode: String) {
        self.frame = frame
        self.pts = pts
        self.score = score
        self.mask = mask
        self.timecode = timecode
    }

    /// Decodes the frame from `source` (a file) and writes its thumbnail to `path`; returns the
    /// thumbnail's size. Throws the media error when the source cannot be opened or read, and
    /// `MediaError.ioError` when the frame is not in it (the file changed since the run).
    @discardableResult
    public func write(source: String, frameRate: Double?, to path: String) throws -> (width: Int, height: Int) {
        var options = VideoSourceOptions(url: source)
        // Half a frame early, so rounding in the seek never skips the frame itself.
        let halfFrame = 0.5 / max(1, frameRate ?? 25)
        if pts - halfFrame > 0, VideoSourceOptions.startRange.contains(pts - halfFrame) { options.start = pts - halfFrame }
        // The analysis luma is not used: the smallest size costs least.
        options.analysisLongSide = VideoSourceOptions.minimumAnalysisLongSide
        options.decoderThreads = 1
        let video = try VideoSource(options: options)
        var luma = GrayImage(width: 0, height: 0)
        var picture = YUV420Image(width: 2, height: 2)
        var decoded = 0
        while let meta = try video.nextFrame(into: &luma, fullFrame: &picture) {
            if meta.index >= frame || meta.pts >= pts - halfFrame { return try draw(picture, to: path) }
            decoded += 1
            guard decoded < Self.maximumFramesAfterSeek else { break }
        }
        throw MediaError.ioError("frame \(frame) (\(pts) s) is not in \(source) any more")
    }

    private func draw(_ picture: YUV420Image, to path: String) throws -> (width: Int, height: Int) {
        let size = Self.size(width: picture.width, height: picture.height)
        var small = try picture.scaled(width: size.width, height: size.height)
        let annotator = FrameAnnotator(width: size.width, height: size.height)
        let analysis = FrameAnalysis(state: .ok, score: score, blurredFraction: mask.blurredFraction, map: mask)
        annotator.annotate(&small, analysis: analysis, timecode: timecode)
        try ImageFile.writeJPEG(small, quality: Self.jpegQuality, to: path)
        return size
    }

    /// The thumbnail size of a `width`×`height` frame: long side `longSide` (never enlarged),
    /// aspect kept, both sides even.
    static func size(width: Int, height: Int) -> (width: Int, height: Int) {
        let long = max(width, height)
        guard long > longSide else { return (width, height) }
        let scale = Double(longSide) / Double(long)
        func even(_ value: Int) -> Int { max(2, Int((Double(value) * scale / 2).rounded()) * 2) }
        return (even(width), even(height))
    }
}
