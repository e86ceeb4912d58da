import Foundation

/// What ffprobe (run as a subprocess) reports for a file's first video stream: the reference the
/// decoder's frame count, pts and key frames are checked against.
struct ProbeReference {
    struct Frame { var pts: Double; var isKeyframe: Bool }
    var frames: [Frame]
    var startTime: Double

    init(path: String) throws {
        let stream = try TestMedia.run("ffprobe", ["-v", "error", "-select_streams", "v:0",
                                                   "-show_entries", "stream=start_time", "-of", "csv=p=0", path])
        startTime = stream.split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }.first ?? 0
        let output = try TestMedia.run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_frames",
                                                   "-show_entries", "frame=best_effort_timestamp_time,key_frame",
                                                   "-of", "csv=p=0", path])
        frames = output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ",")
            guard fields.count >= 2, let key = Int(fields[0]), let pts = Double(fields[1]) else { return nil }
            return Frame(pts: pts, isKeyframe: key == 1)
        }
    }

    /// Frame pts relative to the stream start, as VideoSource reports them.
    var relativePts: [Double] { frames.map { $0.pts - startTime } }
}
