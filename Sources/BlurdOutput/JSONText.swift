/// JSON text for numbers and strings, never producing NaN or infinity (those become null).
public enum JSONText {
    /// `value` rounded to `decimals` places, in Swift's shortest round-trip form (valid JSON).
    public static func number(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "null" }
        let rounded = rounded(value, decimals: decimals)
        return rounded == 0 ? "0" : "\(rounded)"
    }

    /// `value` rounded to `decimals` places: exactly the number a reader parses back from
    /// `number(value, decimals:)` (non-finite values are returned as they are).
    public static func rounded(_ value: Double, decimals: Int) -> Double {
        guard value.isFinite else { return value }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (value * scale).rounded() / scale
    }

    public static func number(_ value: Double?, decimals: Int) -> String {
        guard let value else { return "null" }
        return number(value, decimals: decimals)
    }

    /// A quoted JSON string with the mandatory escapes.
    public static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
