import Foundation

// Go's strconv.FormatFloat for the verbs fmt uses: the shortest
// representation ('g' with precision -1, what %v prints) is built from
// Swift's shortest round-trip digits; explicit precisions go through C's
// printf, whose correctly rounded %e/%f/%g match Go's output.

enum TemplateFloat {
    /// Shortest digits and decimal point position of a finite, non-negative value:
    /// `123.4` is ("1234", 3), `0.001` is ("1", -2).
    static func shortestDigits(_ d: Double) -> (digits: [UInt8], point: Int) {
        let text = Array(abs(d).description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for c in mantissa {
            if c == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(c)
            if !seenPoint { point += 1 }
        }
        point += exponent
        // Strip leading zeros (moving the point) and trailing zeros.
        while digits.count > 1, digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if digits == [UInt8(ascii: "0")] { point = 1 }
        return (digits, point)
    }

    /// Go's `%v` for a float64: `1.5`, `1e+06`, `1e-05`, `+Inf`, `NaN`.
    static func formatShortest(_ d: Double, uppercase: Bool = false) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        let (digits, point) = shortestDigits(d)
        var out: [UInt8] = d.sign == .minus ? [UInt8(ascii: "-")] : []
        let exp = point - 1
        // Go's 'g' with the shortest precision switches to the %e form below 1e-4
        // and from 1e+06 on (strconv uses precision 6 for that decision).
        if exp < -4 || exp >= 6 {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            out.append(uppercase ? UInt8(ascii: "E") : UInt8(ascii: "e"))
            out.append(exp < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let e = String(abs(exp))
            if e.utf8.count < 2 { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: e.utf8)
        } else {
            appendFixed(digits, point, &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendFixed(_ digits: [UInt8], _ point: Int, _ out: inout [UInt8]) {
        if point <= 0 {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
            out.append(contentsOf: digits)
        } else if point >= digits.count {
            out.append(contentsOf: digits)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: point - digits.count))
        } else {
            out.append(contentsOf: digits[..<point])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[point...])
        }
    }

    /// Go's FormatFloat for verb e, E, f, F, g, G; `precision` nil means Go's
    /// default (6 for e and f, shortest for g). Signs are always included for
    /// negatives; infinities read `+Inf`/`-Inf`, NaN `NaN`.
    static func format(_ d: Double, verb: UInt8, precision: Int?) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        let upper = verb == UInt8(ascii: "E") || verb == UInt8(ascii: "G")
        switch verb | 0x20 {
        case UInt8(ascii: "g"):
            guard let p = precision else { return formatShortest(d, uppercase: upper) }
            return String(format: upper ? "%.*G" : "%.*g", Swift.max(p, 0), d)
        case UInt8(ascii: "e"):
            return String(format: upper ? "%.*E" : "%.*e", precision ?? 6, d)
        default:
            return String(format: "%.*f", precision ?? 6, d)
        }
    }
}
