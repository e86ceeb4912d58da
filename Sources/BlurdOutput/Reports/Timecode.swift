/// SMPTE timecode (HH:MM:SS:FF) for frame numbers at a source frame rate.
///
/// The timecode counts frames from 00:00:00:00 at the first frame of the stream (a source's own
/// timecode track is not read). Rates of 29.97 and 59.94 fps use drop-frame timecode
/// (`HH:MM:SS;FF`: frame numbers 00–01, or 00–03 at 59.94, are skipped at the start of every
/// minute except each tenth), so the timecode stays within a frame of wall-clock time; every
/// other rate, 23.976 included, counts non-drop at its rounded nominal rate, as editing
/// software does.
public struct TimecodeFormat: Sendable, Equatable {
    /// Frames per timecode second: the rate rounded (30 for 29.97).
    public let nominalRate: Int
    public let dropFrame: Bool

    public init(nominalRate: Int, dropFrame: Bool) {
        precondition(nominalRate > 0, "timecode rate must be positive")
        precondition(!dropFrame || nominalRate % 30 == 0, "drop-frame exists only for 29.97 and 59.94")
        self.nominalRate = nominalRate
        self.dropFrame = dropFrame
    }

    /// The format editors expect for `frameRate`: drop-frame for 30000/1001 and 60000/1001.
    public init(frameRate: Double) {
        let nominal = max(1, Int(frameRate.rounded()))
        let isNTSC = nominal % 30 == 0 && abs(frameRate - Double(nominal) * 1000 / 1001) < 0.005
        self.init(nominalRate: nominal, dropFrame: isNTSC)
    }

    /// Frame numbers skipped at each dropping minute: 2 at 29.97, 4 at 59.94.
    private var droppedPerMinute: Int { dropFrame ? nominalRate / 15 : 0 }

    /// The timecode of frame `frame` (0-based) counted from 00:00:00:00; wraps after 24 hours.
    public func string(frame: Int) -> String {
        var number = max(0, frame)
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

    /// The frame number of a timecode in this format; nil when it is malformed or names a frame
    /// that does not exist (frames ≥ the nominal rate, or a dropped frame number).
    public func frame(of timecode: String) -> Int? {
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
