import BlurdCore

/// When a stream's frames count as colour or infrared (`DayNightDetector`), from the stream's
/// `day_night` block. The chroma statistic is `FrameMeta.chroma` (0 grey … about 140 for a
/// saturated test pattern). Between the two thresholds a frame is evidence for neither mode, and
/// a change must hold for `switchSeconds` of stream time and `switchFrames` frames, so a scene
/// flickering around a threshold does not switch back and forth.
public struct DayNightSettings: Decodable, Equatable, Sendable {
    /// A textured frame whose chroma is below this counts as infrared; 0 turns day/night modes off
    /// (every frame counts as colour, as before they existed).
    public var irChroma: Double = 1.5
    /// A textured frame whose chroma is above this counts as colour (real daylight clips read
    /// 3.8 and up; docs/SERVICE.md, "Day and night").
    public var colourChroma: Double = 3
    /// Stream seconds frames of the other mode must last before the mode switches.
    public var switchSeconds: Double = 10
    /// Frames of the other mode needed before the mode switches (with sparse sampling the
    /// seconds alone could be two frames).
    public var switchFrames: Int = 5

    public init(irChroma: Double = 1.5, colourChroma: Double = 3, switchSeconds: Double = 10, switchFrames: Int = 5) {
        self.irChroma = irChroma
        self.colourChroma = colourChroma
        self.switchSeconds = switchSeconds
        self.switchFrames = switchFrames
    }

    /// False with `irChroma` 0: every frame is colour.
    public var isEnabled: Bool { irChroma > 0 }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case irChroma = "ir_chroma"
        case colourChroma = "colour_chroma"
        case switchSeconds = "switch_s"
        case switchFrames = "switch_frames"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = DayNightSettings()
        irChroma = try container.decode(.irChroma, default: defaults.irChroma)
        colourChroma = try container.decode(.colourChroma, default: defaults.colourChroma)
        switchSeconds = try container.decode(.switchSeconds, default: defaults.switchSeconds)
        switchFrames = try container.decode(.switchFrames, default: defaults.switchFrames)
    }

    /// `ir_chroma`: 0 (off) up to a clearly coloured picture.
    static let irChromaRange = ValueRange<Double>(0...100)
    /// `colour_chroma`: the statistic's whole scale.
    static let colourChromaRange = ValueRange<Double>(0...255)
    /// `switch_s`: up to a day of stream time.
    static let switchSecondsRange = ValueRange<Double>(0...86_400)
    /// `switch_frames`: 1 (the seconds alone decide) up to a day of frames at 25 fps.
    static let switchFramesRange = ValueRange<Int>(1...2_160_000)

    /// Problems with the values, each as a message; empty when valid.
    func problems() -> [String] {
        var problems = [Self.irChromaRange.problem("day_night.ir_chroma", irChroma),
                        Self.colourChromaRange.problem("day_night.colour_chroma", colourChroma),
                        Self.switchSecondsRange.problem("day_night.switch_s", switchSeconds),
                        Self.switchFramesRange.problem("day_night.switch_frames", switchFrames)].compactMap { $0 }
        if isEnabled, !(irChroma < colourChroma) {
            problems.append("day_night.ir_chroma (\(irChroma)) must be below day_night.colour_chroma (\(colourChroma))")
        }
        return problems
    }
}
