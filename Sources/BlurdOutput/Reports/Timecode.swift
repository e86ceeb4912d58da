import Foundation

/// SMPTE timecode (HH:MM:SS:FF) for frame numbers at a source frame rate.
///
/// The timecode counts from the source's own start timecode when it has one (the `timecode`
/// tag FFmpeg reads from a stream, a tmcd track or the container; `origin` `.source`), else from
/// 00:00:00:00 at the first frame of the stream (`.firstFrame`). Rates of 29.97 and 59.94 fps
/// use drop-frame timecode (`HH:MM:SS;FF`: frame numbers 00–01, or 00–03 at 59.94, are skipped
/// at the start of every minute except each tenth), so the timecode stays within a frame of
/// wall-clock time, unless a source timecode written non-drop (`:`) says otherwise; every other
/// rate, 23.976 included, counts non-drop at its rounded nominal rate, as editing software does.
public struct TimecodeFormat: Sendable, Equatable {
    /// Frames per timecode second: the rate rounded (30 for 29.97).
    public let nominalRate: Int
    public let dropFrame: Bool
    /// The timecode count of frame 0: the source's start timecode as a frame count, 0 without one.
    public let startCount: Int
    public let origin: TimecodeOrigin

    public init(nominalRate: Int, dropFrame: Bool) {
        precondition(nominalRate > 0, "timecode rate must be positive")
        precondition(!dropFrame || nominalRate % 30 == 0, "drop-frame exists only for 29.97 and 59.94")
        self.nominalRate = nominalRate
        self.dropFrame = dropFrame
        startCount = 0
        origin = .firstFrame
    }

    /// The format editors expect for `frameRate`: drop-frame for 30000/1001 and 60000/1001.
    /// `frameRate` must lie in `FrameRateEstimate.range` (callers check it; beyond it the rounded
    /// rate is clamped to 1…1000).
    public init(frameRate: Double) {
        let rounded = frameRate.isFinite ? frameRate.rounded() : 1
        let nominal = Int(min(1000, max(1, rounded)))
        let isNTSC = nominal % 30 == 0 && abs(frameRate - Double(nominal) * 1000 / 1001) < 0.005
        self.init(nominalRate: nominal, dropFrame: isNTSC)
    }

    /// The format for `frameRate` counting from the source's start timecode `startTimecode`
    /// (`HH:MM:SS:FF`, or `HH:MM:SS;FF` / `HH:MM:SS.FF` for drop-frame, as FFmpeg gives the tag).
    /// A missing tag, or one that is malformed or names no frame at this rate, gives the
    /// first-frame format of `init(frameRate:)`: the reports then say the timecode is not the source's.
    public init(frameRate: Double, startTimecode: String?) {
        let plain = TimecodeFormat(frameRate: frameRate)
        guard let tag = startTimecode?.trimmingCharacters(in: .whitespaces), tag.count == 11 else {
            self = plain
            return
        }
        let separator = tag[tag.index(tag.startIndex, offsetBy: 8)]
        let drop = separator == ";" || separator == "."
        guard !drop || plain.nominalRate % 30 == 0 else {
            self = plain
            return
        }
        let format = TimecodeFormat(nominalRate: plain.nominalRate, dropFrame: drop)
        let normalised = String(tag.prefix(8)) + (drop ? ";" : ":") + String(tag.suffix(2))
        guard let count = format.frame(of: normalised) else {
            self = plain
            return
        }
        self.init(nominalRate: plain.nominalRate, dropFrame: drop, startCount: count, origin: .source)
    }

    private init(nominalRate: Int, dropFrame: Bool, startCount: Int, origin: TimecodeOrigin) {
        self.nominalRate = nominalRate
        self.dropFrame = dropFrame
        self.startCount = startCount
        self.origin = origin
    }

    /// Timecode counts in 24 hours, after which the timecode wraps.
    public var countsPerDay: Int {
        let minutes = 24 * 60
        return minutes * 60 * nominalRate - droppedPerMinute * (minutes - minutes / 10)
    }

    /// The timecode count of frame `frame` (0-based), wrapped to one day: what `string(frame:)`
    /// spells, and what an editor's timeline positions are (OTIO, EDL record times).
    public func count(frame: Int) -> Int {
        (startCount + max(0, frame)) % countsPerDay
    }

    /// Frame numbers skipped at each dropping minute: 2 at 29.97, 4 at 59.94.
    private var droppedPerMinute: Int { dropFrame ? nominalRate / 15 : 0 }

    /// The timecode of frame `frame` (0-based), counted from the start timecode; wraps after 24 hours.
    public func string(frame: Int) -> String {
        string(count: count(frame: frame))
    }

    /// The timecode of a count (frames since 00:00:00:00).
    public func string(count: Int) -> String {
        var number = max(0, count)
        let drop = droppedPerMinute
        if drop > 0 {
            let framesPerMinute = nominalRate * 60 - drop
            let framesPerTenMinutes = framesPerMinute * 10 + drop
            let tens = number / framesPerTenMinutes
            let remainder = number % framesPerTenMinutes
            number += 9 * drop * tens
            if remainder > drop { number += drop * ((remainder - drop) / framesPerMinute) }
        }
        let frames = number % nominalRate
        let totalSeconds = number / nominalRate
        let hours = (totalSeconds / 3600) % 24
        return Self.twoDigits(hours) + ":" + Self.twoDigits(totalSeconds / 60 % 60) + ":"
            + Self.twoDigits(totalSeconds % 60) + (dropFrame ? ";" : ":") + Self.twoDigits(frames)
    }

    /// The frame number of a timecode in this format (the inverse of `string(frame:)`); nil when
    /// it is malformed or names a frame that does not exist (frames ≥ the nominal rate, or a
    /// dropped frame number).
    public func frame(of timecode: String) -> Int? {
        guard let count = count(of: timecode) else { return nil }
        return (count - startCount + countsPerDay) % countsPerDay
    }

    /// The count (frames since 00:00:00:00) of a timecode in this format; nil when malformed.
    func count(of timecode: String) -> Int? {
        let separators: [Character] = dropFrame ? [":", ":", ";"] : [":", ":", ":"]
        let characters = Array(timecode)
        guard characters.count == 11 else { return nil }
        var fields: [Int] = []
        for field in 0..<4 {
            let digits = String(characters[field * 3..<field * 3 + 2])
            guard digits.allSatisfy(\.isASCII), let value = Int(digits), value >= 0 else { return nil }
            fields.append(value)
            if field < 3, characters[field * 3 + 2] != separators[field] { return nil }
        }
        let (hours, minutes, seconds, frames) = (fields[0], fields[1], fields[2], fields[3])
        guard hours < 24, minutes < 60, seconds < 60, frames < nominalRate else { return nil }
        let drop = droppedPerMinute
        if drop > 0, seconds == 0, minutes % 10 != 0, frames < drop { return nil }
        let totalMinutes = hours * 60 + minutes
        let number = (totalMinutes * 60 + seconds) * nominalRate + frames
        return number - drop * (totalMinutes - totalMinutes / 10)
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}

/// Where a report's timecodes count from.
public enum TimecodeOrigin: String, Sendable, Codable {
    /// The source's own start timecode (its `timecode` tag or tmcd track): the numbers an editor's
    /// timeline shows for the clip.
    case source
    /// 00:00:00:00 at the first frame of the stream: the source has no start timecode.
    case firstFrame = "first_frame"
}
