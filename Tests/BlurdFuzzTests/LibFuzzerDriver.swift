#if BLURD_FUZZING
import Foundation
import XCTest

// libFuzzer's entry for a program that keeps its own main (libclang_rt.fuzzer_no_main).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// The coverage-guided fuzzer, compiled only by scripts/fuzz.sh (-DBLURD_FUZZING, coverage
/// instrumentation, AddressSanitizer, libFuzzer linked in): the test bundle is the fuzz binary,
/// since only a test target can link the `blurd` executable's commands. BLURD_FUZZ_TARGET names
/// the FuzzTarget, BLURD_FUZZ_ARGS holds libFuzzer's arguments (corpus directories, -flags),
/// one per line. libFuzzer ends the process itself when its time is up or a crash is found.
final class LibFuzzerDriver: XCTestCase {
    nonisolated(unsafe) static var target = FuzzTarget.modelFile

    func testFuzz() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let name = environment["BLURD_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
            throw XCTSkip("BLURD_FUZZ_TARGET is not one of \(FuzzTarget.allCases.map(\.rawValue))")
        }
        Self.target = target
        let arguments = ["blurd-fuzz"] + (environment["BLURD_FUZZ_ARGS"] ?? "").split(separator: "\n").map(String.init)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var argc = Int32(arguments.count)
        let status = argv.withUnsafeMutableBufferPointer { buffer in
            var pointer = buffer.baseAddress
            return LLVMFuzzerRunDriver(&argc, &pointer) { data, size in
                let input = data.map { Data(bytes: $0, count: size) } ?? Data()
                _ = LibFuzzerDriver.target.run(input)
                return 0
            }
        }
        XCTAssertEqual(status, 0)
    }
}
#endif
