import Foundation

/// A parser of untrusted input, fed whole inputs by libFuzzer (scripts/fuzz.sh) and by the seed
/// corpus tests alike: the same entry point, so a corpus file replays exactly what the fuzzer ran.
/// Every input must end as accepted or as a clean rejection (a thrown error); a trap, an
/// overflow or a memory error is a finding.
enum FuzzTarget: String, CaseIterable {
    /// A `.blurdmodel` file, loaded and built as `--model` does (ModelFileFuzzing).
    case modelFile = "model-file"
    /// A `blurd serve` YAML configuration (ServeConfigFuzzing).
    case serveConfig = "serve-config"
    /// A JSON Lines log read by `blurd report` (ReportLogFuzzing).
    case reportLog = "report-log"
    /// A `blurd` command line, arguments separated by NUL bytes (OptionFuzzing).
    case options

    func run(_ input: Data) -> FuzzOutcome {
        switch self {
        case .modelFile: ModelFileFuzzing.run(input)
        case .serveConfig: ServeConfigFuzzing.run(input)
        case .reportLog: ReportLogFuzzing.run(input)
        case .options: OptionFuzzing.run(input)
        }
    }
}

/// How a fuzz target ended on one input.
enum FuzzOutcome: Equatable {
    case accepted
    /// Refused with the message a user would see.
    case rejected(String)

    /// Runs `body`, turning a thrown error into the rejection with its description.
    static func of(_ body: () throws -> Void) -> FuzzOutcome {
        do {
            try body()
            return .accepted
        } catch {
            return .rejected("\(error)")
        }
    }
}
