/// The documented range of a number blurd reads (an option, a config key, a model file field, a
/// log field), written once next to the type that owns the number, so that a value outside it
/// is refused with a message instead of trapping later in a conversion or an allocation.
///
/// A lower bound may be excluded (`(0, 86400]`: positive). NaN is in no range, since every
/// comparison with it is false.
public struct ValueRange<Bound: Comparable & Sendable>: Sendable, CustomStringConvertible {
    public let lowerBound: Bound
    public let upperBound: Bound
    /// Whether `lowerBound` itself is outside the range.
    public let excludesLowerBound: Bool

    /// `lower...upper`, both included.
    public init(_ range: ClosedRange<Bound>) {
        lowerBound = range.lowerBound
        upperBound = range.upperBound
        excludesLowerBound = false
    }

    /// Values above `lower` up to and including `upper`.
    public init(above lower: Bound, through upper: Bound) {
        precondition(lower < upper, "empty range")
        lowerBound = lower
        upperBound = upper
        excludesLowerBound = true
    }

    public func contains(_ value: Bound) -> Bool {
        (excludesLowerBound ? lowerBound < value : lowerBound <= value) && value <= upperBound
    }

    /// `1...256`, or `(0, 86400]` for an excluded lower bound.
    public var description: String {
        excludesLowerBound ? "(\(Self.text(lowerBound)), \(Self.text(upperBound))]"
            : "\(Self.text(lowerBound))...\(Self.text(upperBound))"
    }

    /// "NAME must be in RANGE, got VALUE" when `value` is outside, nil inside.
    public func problem(_ name: String, _ value: Bound) -> String? {
        contains(value) ? nil : "\(name) must be in \(self), got \(Self.text(value))"
    }

    /// A whole Double without its ".0" (`86400`, not `86400.0`).
    private static func text(_ value: Bound) -> String {
        let text = "\(value)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
