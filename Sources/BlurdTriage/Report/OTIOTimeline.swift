/// An OpenTimelineIO timeline in OTIO's JSON form (the `.otio` file its Python and C++ libraries
/// and their adapters read): `Timeline.1` holding a `Stack.1` of one video `Track.1`, whose
/// children are `Clip.2`s, each with an `ExternalReference.1` to its source file and `Marker.2`s.
/// Times are `RationalTime.1` (value in frames at the clip's rate) and ranges `TimeRange.1`.
/// Keys OTIO treats as optional are left out when unset; what is written is what
/// `opentimelineio.adapters.write_to_string` writes for the same timeline.
struct OTIOTimeline: Encodable {
    struct RationalTime: Encodable {
        var value: Double
        var rate: Double
        enum CodingKeys: String, CodingKey { case schema = "OTIO_SCHEMA", value, rate }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("RationalTime.1", forKey: .schema)
            try container.encode(rate, forKey: .rate)
            try container.encode(value, forKey: .value)
        }
    }

    struct TimeRange: Encodable {
        var startTime: RationalTime
        var duration: RationalTime
        enum CodingKeys: String, CodingKey { case schema = "OTIO_SCHEMA", startTime = "start_time", duration }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("TimeRange.1", forKey: .schema)
            try container.encode(startTime, forKey: .startTime)
            try container.encode(duration, forKey: .duration)
        }

        /// `start` and `frames` frames at `rate`.
        init(start: Int, frames: Int, rate: Double) {
            startTime = RationalTime(value: Double(start), rate: rate)
            duration = RationalTime(value: Double(frames), rate: rate)
        }
    }

    struct Marker: Encodable {
        var name: String
        var markedRange: TimeRange
        var comment: String
        /// OTIO's marker colours are names; soft shots are "RED".
        var color = "RED"
        enum CodingKeys: String, CodingKey {
            case schema = "OTIO_SCHEMA", metadata, name, color, markedRange = "marked_range", comment
        }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("Marker.2", forKey: .schema)
            try container.encode([String: String](), forKey: .metadata)
            try container.encode(name, forKey: .name)
            try container.encode(color, forKey: .color)
            try container.encode(markedRange, forKey: .markedRange)
            try container.encode(comment, forKey: .comment)
        }
    }

    /// What blurd found about a clip, kept in its metadata under "blurd".
    struct ClipFindings: Encodable {
        var clip: String
        var status: String
        var minScore: Double?
        var meanScore: Double?
        var softShots: Int
        /// "source" or "first_frame": where the marker times count from.
        var timecodeOrigin: String
        var startTimecode: String?
        enum CodingKeys: String, CodingKey {
            case clip, status, minScore = "min_score", meanScore = "mean_score", softShots = "soft_shots"
            case timecodeOrigin = "tc_origin", startTimecode = "start_tc"
        }
    }

    struct Clip: Encodable {
        var name: String
        /// `file://` URL of the source.
        var targetURL: String
        /// The whole source: from its start timecode (as a frame count; 0 without one).
        var availableRange: TimeRange
        var markers: [Marker]
        var findings: ClipFindings
        enum CodingKeys: String, CodingKey {
            case schema = "OTIO_SCHEMA", metadata, name, sourceRange = "source_range", effects, markers, enabled
            case mediaReferences = "media_references", activeKey = "active_media_reference_key"
        }
        enum ReferenceKeys: String, CodingKey {
            case schema = "OTIO_SCHEMA", metadata, name, availableRange = "available_range", targetURL = "target_url"
        }
        enum ReferenceSlot: String, CodingKey { case defaultMedia = "DEFAULT_MEDIA" }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("Clip.2", forKey: .schema)
            try container.encode(["blurd": findings], forKey: .metadata)
            try container.encode(name, forKey: .name)
            try container.encode(availableRange, forKey: .sourceRange)
            try container.encode([String](), forKey: .effects)
            try container.encode(markers, forKey: .markers)
            try container.encode(true, forKey: .enabled)
            var references = container.nestedContainer(keyedBy: ReferenceSlot.self, forKey: .mediaReferences)
            var reference = references.nestedContainer(keyedBy: ReferenceKeys.self, forKey: .defaultMedia)
            try reference.encode("ExternalReference.1", forKey: .schema)
            try reference.encode([String: String](), forKey: .metadata)
            try reference.encode("", forKey: .name)
            try reference.encode(availableRange, forKey: .availableRange)
            try reference.encode(targetURL, forKey: .targetURL)
            try container.encode(ReferenceSlot.defaultMedia.rawValue, forKey: .activeKey)
        }
    }

    var name: String
    var clips: [Clip]

    enum CodingKeys: String, CodingKey {
        case schema = "OTIO_SCHEMA", metadata, name, tracks, children, kind, sourceRange = "source_range", effects, markers, enabled
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("Timeline.1", forKey: .schema)
        try container.encode([String: String](), forKey: .metadata)
        try container.encode(name, forKey: .name)
        var stack = container.nestedContainer(keyedBy: CodingKeys.self, forKey: .tracks)
        try Self.encodeComposition(&stack, schema: "Stack.1", name: "tracks")
        var tracks = stack.nestedUnkeyedContainer(forKey: .children)
        var track = tracks.nestedContainer(keyedBy: CodingKeys.self)
        try Self.encodeComposition(&track, schema: "Track.1", name: "Soft shots")
        try track.encode("Video", forKey: .kind)
        try track.encode(clips, forKey: .children)
    }

    /// The keys a Stack and a Track share.
    private static func encodeComposition(_ container: inout KeyedEncodingContainer<CodingKeys>, schema: String,
                                          name: String) throws {
        try container.encode(schema, forKey: .schema)
        try container.encode([String: String](), forKey: .metadata)
        try container.encode(name, forKey: .name)
        try container.encode([String](), forKey: .effects)
        try container.encode([String](), forKey: .markers)
        try container.encode(true, forKey: .enabled)
    }
}
