/// When a stretch of frames counts as a soft shot.
///
/// Hysteresis: a segment starts at a frame scoring below `enterBelow` and lasts until a frame
/// scores above `leaveAbove`, so a score flickering around one threshold does not split it.
public struct SoftShotCriteria: Sendable, Equatable {
    public var enterBelow: Double
    public var leaveAbove: Double
    /// Shorter segments are not reported.
    public var minimumSeconds: Double

    /// On the cnn score's scale: sharp footage reads ≥ 0.8, a defocus of σ 2 px at the analysis
    /// size about 0.65.
    public static let defaultThreshold = 0.7
    public static let defaultHysteresis = 0.1
    public static let defaultMinimumSeconds = 0.5

    public init(enterBelow: Double = defaultThreshold,
                leaveAbove: Double = defaultThreshold + defaultHysteresis,
                minimumSeconds: Double = defaultMinimumSeconds) {
        self.enterBelow = enterBelow
        self.leaveAbove = leaveAbove
        self.minimumSeconds = minimumSeconds
    }

    /// Throws when the thresholds are outside [0, 1], reversed, or the duration is negative.
    public func validate() throws {
        guard (0...1).contains(enterBelow), (0...1).contains(leaveAbove) else {
            throw ReportError.invalidCriteria("thresholds must be in [0, 1], got \(enterBelow) and \(leaveAbove)")
        }
        guard leaveAbove >= enterBelow else {
            throw ReportError.invalidCriteria("the leave threshold \(leaveAbove) is below the enter threshold \(enterBelow)")
        }
        guard minimumSeconds >= 0, minimumSeconds.isFinite else {
            throw ReportError.invalidCriteria("minimum duration must be >= 0 s, got \(minimumSeconds)")
        }
    }
}
