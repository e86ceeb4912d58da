import BlurdAnalysis
import BlurdCore
import BlurdMedia
import BlurdOutput
@testable import BlurdSegmenter
import BlurdService
import BlurdTraining
import XCTest

/// The exit codes and the retry split that the command line and the stream supervisor read
/// from `BlurdError`.
final class BlurdErrorTests: XCTestCase {
    /// Every error a stream's connection can meet: the source's, the analyzers' and the outputs'.
    private let streamErrors: [any BlurdError] = [
        MediaError.fileNotFound("a.mp4"), MediaError.openFailed(url: "rtsp://cam", reason: "timeout"),
        MediaError.noVideoStream("a.mp4"), MediaError.ioError("eof"), MediaError.unsupportedCodec("hevc"),
        MediaError.invalidOption("fps"), MediaError.encodeFailed("x264"),
        OutputError.cannotOpen(path: "/o", reason: "denied"), OutputError.writeFailed(path: "/o", reason: "full"),
        CNNAnalyzerError.nonFiniteOutput, ModelFileError.badMagic, ModelFileError.io("cannot read model file m"),
        NetworkSpecError(layer: 1, "bad"), QuantizedNetworkError("no int8"), SegmenterError("tile size"),
    ]

    /// One error of every case of every type.
    private var allErrors: [any BlurdError] {
        streamErrors + [
            ReportError.invalidCriteria("x"), ReportError.unreadableLog(path: "l", reason: "r"),
            ReportError.malformedLog(path: "l", line: 1, reason: "r"), ReportError.malformedCSV(line: 1, reason: "r"),
            ModelFileError.truncated(needed: 2, available: 1), ModelFileError.unsupportedVersion(9),
            ModelFileError.checksumMismatch(stored: 1, computed: 2), ModelFileError.malformed("m"),
            ModelFileError.missingTensor("t"), ModelFileError.shapeMismatch(name: "t", expected: [1], found: [2]),
            EvaluationError.sizeMismatch("s"), EvaluationError.dataset("d"), EvaluationError.method("m"),
            RobustnessError.manifest("m"), RobustnessError.evaluation("e"),
            SynthesisError.invalidConfiguration("c"), SynthesisError.missingSplitList("l"),
            SynthesisError.emptyLibrary("e"), SynthesisError.photoTooSmall(name: "p", width: 1, height: 1, needed: 2),
            TrainingError.configuration("c"), TrainingError.checkpoint("c"), TrainingError.data("d"),
            TrainingError.diverged("d"),
            ServiceError.config("c"), ServiceError.notify("n"), ServiceError.listenAddress("l"),
            ServiceError.shutdownTimeout(seconds: 1),
        ]
    }

    func testExitCodesAreDocumented() {
        for error in allErrors {
            XCTAssertTrue((2...8).contains(error.exitCode), "\(type(of: error)) \(error): \(error.exitCode)")
        }
    }

    func testCommandLineExitCodesAreUnchanged() {
        XCTAssertEqual([MediaError.invalidOption(""), .fileNotFound(""), .openFailed(url: "", reason: ""),
                        .noVideoStream(""), .unsupportedCodec(""), .ioError(""), .encodeFailed("")].map(\.exitCode),
                       [2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(OutputError.writeFailed(path: "", reason: "").exitCode, 8)
        XCTAssertEqual(ReportError.invalidCriteria("").exitCode, 2)
        XCTAssertEqual(ReportError.malformedLog(path: "", line: 1, reason: "").exitCode, 7)
        XCTAssertEqual(CNNAnalyzerError.nonFiniteOutput.exitCode, 7)
    }

    /// The supervisor's rule before the protocol: an unsupported codec, a bad option, a failed
    /// encode and any output error fail the stream; everything else is retried.
    func testStreamErrorsKeepTheSupervisorsRetrySplit() {
        for error in streamErrors {
            let fatal: Bool
            switch error {
            case MediaError.unsupportedCodec, MediaError.invalidOption, MediaError.encodeFailed, is OutputError: fatal = true
            default: fatal = false
            }
            XCTAssertEqual(error.isRetryable, !fatal, "\(type(of: error)) \(error)")
        }
    }

    func testDaemonAndTrainingErrorsAreNotRetried() {
        let errors: [any BlurdError] = [ServiceError.config("c"), ServiceError.shutdownTimeout(seconds: 1),
                                        ReportError.malformedCSV(line: 1, reason: "r"), TrainingError.diverged("d"),
                                        EvaluationError.dataset("d"), RobustnessError.manifest("m"),
                                        SynthesisError.emptyLibrary("e")]
        for error in errors { XCTAssertFalse(error.isRetryable, "\(type(of: error)) \(error)") }
    }
}
