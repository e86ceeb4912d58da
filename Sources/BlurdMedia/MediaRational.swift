/// An exact rational (AVRational outside the C API): time bases and frame rates such as
/// 1/90000 or 30000/1001, which a Double would round.
public struct MediaRational: Sendable, Equatable {
    public var numerator: Int32
    public var denominator: Int32

    public init(_ numerator: Int32, _ denominator: Int32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public var doubleValue: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }
}
