import XCTest
@testable import BlurdTraining

/// `blurd train --synthesis`: partial JSON over the defaults, strict about names and types.
final class SynthesisConfigOverridesTests: XCTestCase {
    func testAPartialObjectChangesOnlyItsSettings() throws {
        let json = #"{"hazeProbability": 0.3, "nativeSoftnessSigma": [0.2, 0.9], "x264CRF": [20, 40]}"#
        let config = try SynthesisConfig.overriding(json: Data(json.utf8))
        var expected = SynthesisConfig()
        expected.hazeProbability = 0.3
        expected.nativeSoftnessSigma = 0.2...0.9
        expected.x264CRF = 20...40
        XCTAssertEqual(config, expected)
    }

    func testTheOverridesOfAConfigurationReadBackToIt() throws {
        XCTAssertEqual(SynthesisConfig().overridesJSON, "{}")
        var config = SynthesisConfig()
        config.darkProbability = 0.4
        config.boxWidth = 5...20
        config.cropSize = 128
        XCTAssertEqual(config.overridesJSON, #"{"boxWidth":[5,20],"darkProbability":0.4}"#)
        var reread = try SynthesisConfig.overriding(json: Data(config.overridesJSON.utf8))
        reread.cropSize = 128
        XCTAssertEqual(reread, config)
    }

    func testUnknownNamesWrongTypesAndImpossibleValuesAreRejectedByName() {
        let cases: [(String, String)] = [
            (#"{"hazeProbabilty": 0.3}"#, "hazeProbabilty"),
            (#"{"hazeProbability": "high"}"#, "hazeProbability"),
            (#"{"nativeSoftnessSigma": [0.2, 2.0]}"#, "blurThresholdSigma must exceed"),
            (#"[0.3]"#, "JSON object"),
        ]
        for (json, expected) in cases {
            XCTAssertThrowsError(try SynthesisConfig.overriding(json: Data(json.utf8)), json) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(json): \(error)")
            }
        }
    }
}
