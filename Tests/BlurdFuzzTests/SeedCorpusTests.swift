import Foundation
import XCTest

/// Every file of the seed corpora (Tests/Fuzz/Corpus/TARGET) and of the crash reproducers
/// (Tests/Fuzz/Regressions/TARGET) through the fuzz targets' own entry points, in seconds:
/// none may trap, and a file's name says how it must end: `ok-…` accepted, anything else
/// rejected with a message.
final class SeedCorpusTests: XCTestCase {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    func testModelFileSeeds() throws { try replay(.modelFile) }
    func testServeConfigSeeds() throws { try replay(.serveConfig) }
    func testReportLogSeeds() throws { try replay(.reportLog) }
    func testOptionSeeds() throws { try replay(.options) }

    private func replay(_ target: FuzzTarget) throws {
        let corpus = try files(in: "Corpus", target)
        XCTAssertGreaterThanOrEqual(corpus.count, 3, "the \(target.rawValue) seed corpus is missing")
        XCTAssertTrue(corpus.contains { $0.lastPathComponent.hasPrefix("ok-") }, "no valid \(target.rawValue) seed")
        for file in try corpus + files(in: "Regressions", target) {
            let outcome = target.run(try Data(contentsOf: file))
            if file.lastPathComponent.hasPrefix("ok-") {
                XCTAssertEqual(outcome, .accepted, file.path)
            } else if case .rejected(let message) = outcome {
                XCTAssertFalse(message.isEmpty, file.path)
            } else {
                XCTFail("\(file.path) was accepted; only ok-… files may be")
            }
        }
    }

    private func files(in kind: String, _ target: FuzzTarget) throws -> [URL] {
        let directory = Self.fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
