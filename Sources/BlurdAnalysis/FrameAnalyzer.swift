import BlurdCore

/// Judges the sharpness of one analysis frame.
///
/// The pipeline creates one analyzer per worker through an `AnalyzerFactory`, so an
/// implementation is used by one thread at a time and may keep scratch buffers between frames.
public protocol FrameAnalyzer: AnyObject {
    func analyze(_ luma: GrayImage) throws -> FrameAnalysis
}

/// Makes one analyzer for one worker.
public typealias AnalyzerFactory = @Sendable () throws -> FrameAnalyzer
