import Foundation

/// What ffprobe (run as a subprocess) reports for a file's first video stream: the independent
/// reference that decoded and written frame counts, pts and key frames are checked against.
public struct ProbeReference {
    /// One video frame: its best-effort timestamp in seconds and whether it is a key frame.
    public struct Frame {
        public var pts: Double
        public var isKeyframe: Bool
    }

    public var frames: [Frame]
    /// The stream's start time in seconds (0 when ffprobe gives none).
    public var startTime: Double

    public init(path: String) throws {
        let stream = try ExternalTool.output("ffprobe", ["-v", "error", "-select_streams", "v:0",
                                                         "-show_entries", "stream=start_time", "-of", "csv=p=0", path])
        startTime = stream.split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: " ,"))) }.first ?? 0
        let output = try ExternalTool.output("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_frames",
                                                         "-show_entries", "frame=best_effort_timestamp_time,key_frame",
                                                         "-of", "csv=p=0", path])
        frames = output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ",")
            guard fields.count >= 2, let key = Int(fields[0]), let pts = Double(fields[1]) else { return nil }
            return Frame(pts: pts, isKeyframe: key == 1)
        }
    }

    /// Frame pts relative to the stream start, as VideoSource reports them.
    public var relativePts: [Double] { frames.map { $0.pts - startTime } }
}
