import Foundation
import XCTest

/// The built `blurd` executable, for tests that run the command line end to end.
public enum BlurdExecutable {
    /// Its location next to the test bundle in the build folder; skips the test when it is not built.
    public static func url() throws -> URL {
        let bundle = Bundle.main.bundleURL
        let candidates = [
            bundle.appendingPathComponent("blurd"),
            bundle.deletingLastPathComponent().appendingPathComponent("blurd"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("blurd binary not built next to the tests (looked at \(candidates.map(\.path)))")
        }
        return found
    }
}
