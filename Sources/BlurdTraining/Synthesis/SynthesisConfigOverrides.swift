import Foundation

extension SynthesisConfig {
    /// The defaults with the settings of a JSON object laid over them, e.g.
    /// `{"hazeProbability": 0.3, "nativeSoftnessSigma": [0.2, 0.9]}` (ranges are
    /// `[lower, upper]`). Keys are `SynthesisConfig`'s property names; an unknown key is an
    /// error, so a typo cannot silently train with the default. The result is validated.
    ///
    /// Partial objects are what a retraining engineer writes: the full configuration has some
    /// sixty settings, and the defaults keep moving with the default model.
    public static func overriding(json: Data) throws -> SynthesisConfig {
        guard let overrides = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw SynthesisError.invalidConfiguration("synthesis settings must be a JSON object")
        }
        let defaults = try JSONSerialization.jsonObject(with: JSONEncoder().encode(SynthesisConfig())) as! [String: Any]
        if let unknown = overrides.keys.sorted().first(where: { defaults[$0] == nil }) {
            throw SynthesisError.invalidConfiguration("unknown synthesis setting \"\(unknown)\"; known: \(defaults.keys.sorted().joined(separator: ", "))")
        }
        let merged = defaults.merging(overrides) { _, new in new }
        let config: SynthesisConfig
        do {
            config = try JSONDecoder().decode(SynthesisConfig.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw SynthesisError.invalidConfiguration("synthesis setting \"\(key)\": \(context.debugDescription)")
        }
        try config.validate()
        return config
    }

    /// Reads `overriding(json:)` from a file.
    public static func overriding(contentsOf path: String) throws -> SynthesisConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SynthesisError.invalidConfiguration("cannot read synthesis settings \(path)")
        }
        return try overriding(json: data)
    }

    /// The settings that differ from the defaults (crop size aside), as the compact JSON object
    /// `overriding(json:)` reads back: "{}" for the default recipe. Model metadata records it.
    public var overridesJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func object(_ config: SynthesisConfig) -> [String: Any] {
            try! JSONSerialization.jsonObject(with: encoder.encode(config)) as! [String: Any]
        }
        let defaults = object(SynthesisConfig()), own = object(self)
        let changed = own.filter { key, value in
            key != "cropSize" && !(defaults[key].map { NSDictionary(dictionary: ["v": $0]).isEqual(to: ["v": value]) } ?? false)
        }
        let data = try! JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
