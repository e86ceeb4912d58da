import BlurdCore
import BlurdPipeline
import BlurdService
import Foundation

/// `blurd serve --config FILE`: the YAML is read as the daemon reads it (UTF-8 text, strict
/// keys, every range), then each accepted stream derives what its supervisor uses at run time:
/// the analysis recipe, every reconnect wait, the event thresholds and the redacted URL.
enum ServeConfigFuzzing {
    static func run(_ input: Data) -> FuzzOutcome {
        FuzzOutcome.of {
            guard let text = String(validating: input, as: UTF8.self) else {
                throw FuzzRejection("not UTF-8 text")
            }
            // No environment: no state directory and no credentials directory are looked at.
            let config = try ServiceConfig.parse(yaml: text, environment: [:])
            _ = config.listen.description
            for stream in config.streams {
                try stream.recipe.validate()
                for attempt in [0, 1, 2, 10, 63, 64, 1000] {
                    for unit in [0, 0.5, 0.999] {
                        _ = Duration.seconds(stream.reconnect.delay(attempt: attempt, unit: unit))
                    }
                }
                _ = stream.thresholds.effective(baseline: nil)
                _ = stream.thresholds.effective(baseline: 0.97)
                _ = URLRedaction.redact(stream.url)
                _ = URLRedaction.removingUserinfo(stream.url)
            }
        }
    }
}

/// A fuzz input refused before it reached blurd's own parser (as blurd refuses it too).
struct FuzzRejection: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
