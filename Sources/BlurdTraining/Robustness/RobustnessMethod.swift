import BlurdAnalysis

/// An analysis method as the robustness evaluation runs it: a name for the table and a way to
/// make its analyzer (one per evaluation; frames go through it in order).
public struct RobustnessMethod {
    public var name: String
    public var makeAnalyzer: () throws -> FrameAnalyzer

    public init(name: String, makeAnalyzer: @escaping () throws -> FrameAnalyzer) {
        self.name = name
        self.makeAnalyzer = makeAnalyzer
    }
}
