import Foundation

/// Text for HTML and SVG: escaping and the few number formats the page uses. The page is
/// written as well-formed XML (every element closed, no named entities beyond XML's), so
/// browsers and XML parsers read it alike.
public enum HTML {
    /// `text` with &, <, >, " and ' escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A number with `digits` significant digits, without an exponent between 10⁻³ and 10⁶.
    public static func number(_ value: Double, digits: Int = 3) -> String {
        guard value.isFinite else { return value.isNaN ? "–" : (value > 0 ? "∞" : "−∞") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        guard magnitude >= 1e-3 && magnitude < 1e6 else {
            let exponent = Int(floor(log10(magnitude)))
            let mantissa = value / pow(10, Double(exponent))
            return String(format: "%.\(Swift.max(digits - 1, 0))f", mantissa) + "×10" + superscript(exponent)
        }
        let decimals = Swift.max(0, digits - 1 - Int(floor(log10(magnitude))))
        return String(format: "%.\(decimals)f", value).replacingOccurrences(of: "-", with: "−")
    }

    /// A length in µm with three significant digits: 0.0325 µm, 0.207 µm, 4.00 µm.
    static func um(_ value: Double) -> String { number(value) + " µm" }

    /// A number as given, without padding zeros: 0.8, 99.8, 1.
    static func plain(_ value: Double) -> String {
        String(format: "%.10g", value).replacingOccurrences(of: "-", with: "−")
    }

    /// An integer in Unicode superscript digits (10⁻³).
    static func superscript(_ value: Int) -> String {
        let digits: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵",
                                              "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
        return String(String(value).map { digits[$0] ?? $0 })
    }
}
