import Foundation
import XCTest

/// Scratch directories for tests, under the system temporary folder.
public enum TemporaryDirectory {
    /// Creates an empty `<tmp>/<prefix>-<UUID>` and removes it with everything in it when `test`
    /// ends. Teardown blocks run last-in first-out and before `tearDown()`, so a block a test
    /// registers after this call (stopping a process that writes here) runs before the removal.
    /// A failed removal fails the test: something still holds the directory.
    public static func make(_ prefix: String, for test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock {
            do {
                try FileManager.default.removeItem(at: url)
            } catch {
                XCTFail("cannot remove \(url.path): \(error)")
            }
        }
        return url
    }
}
