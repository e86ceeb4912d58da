import BlurdCore
import BlurdAnalysis

/// Wraps a worker's analyzer to record each frame's analysis time in the latency histogram.
final class TimedAnalyzer: FrameAnalyzer {
    private let analyzer: FrameAnalyzer
    private let metrics: StreamMetrics

    init(_ analyzer: FrameAnalyzer, metrics: StreamMetrics) {
        self.analyzer = analyzer
        self.metrics = metrics
    }

    func analyze(_ luma: GrayImage) throws -> FrameAnalysis {
        let started = ContinuousClock.now
        let analysis = try analyzer.analyze(luma)
        metrics.analysisLatency.record(ContinuousClock.now - started)
        return analysis
    }
}
