import GatewayCore

// Floats as the gateway's JSON writes them: Go's encoding/json format
// (shortest round-trip digits, plain notation unless |x| < 1e-6 or >= 1e21,
// then `1e-7` / `1e+21`), so a float from a gRPC backend reads exactly as
// KrakenD renders it. NaN and infinities, which JSON numbers cannot hold,
// become the strings protojson uses.

enum FloatText {
    static func value(_ d: Double) -> Value {
        if d.isNaN { return .string("NaN") }
        if d.isInfinite { return .string(d < 0 ? "-Infinity" : "Infinity") }
        let a = abs(d)
        let text = d.description
        // Swift writes plain notation between 1e-4 and 2^53, where Go's only
        // difference is the `.0` of whole numbers.
        if a >= 1e-4 && a < 9.0e15 { return .number(dropPointZero(text)) }
        return .number(goFormat(text, scientific: a != 0 && (a < 1e-6 || a >= 1e21)))
    }

    static func value(_ f: Float) -> Value {
        if f.isNaN { return .string("NaN") }
        if f.isInfinite { return .string(f < 0 ? "-Infinity" : "Infinity") }
        let a = abs(f)
        let text = f.description
        if a >= 1e-4 && a < 1.6e7 { return .number(dropPointZero(text)) }
        return .number(goFormat(text, scientific: a != 0 && (a < Float(1e-6) || a >= Float(1e21))))
    }

    @inline(__always)
    private static func dropPointZero(_ text: String) -> String {
        text.utf8.last == UInt8(ascii: "0") && text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// Re-lays Swift's shortest digits (`1e-07`, `1.5e+20`, `0.001`) in Go's format.
    static func goFormat(_ swiftText: String, scientific: Bool) -> String {
        var text = Substring(swiftText)
        let negative = text.hasPrefix("-")
        if negative { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for c in text.utf8 {
            if c == UInt8(ascii: ".") { seenPoint = true; continue }
            digits.append(c)
            if !seenPoint { point += 1 }
        }
        point += exponent
        // Normalise to significant digits only.
        while let first = digits.first, first == UInt8(ascii: "0") { digits.removeFirst(); point -= 1 }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if digits.isEmpty {
            out.append(UInt8(ascii: "0"))
            return String(decoding: out, as: UTF8.self)
        }
        if scientific {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            let e = point - 1
            out.append(UInt8(ascii: "e"))
            out.append(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = String(abs(e))
            // strconv writes at least two exponent digits; encoding/json then
            // trims the padding of negative ones (`e-07` → `e-7`).
            if e >= 0 && magnitude.count < 2 { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: magnitude.utf8)
        } else if point <= 0 {
            out.append(contentsOf: "0.".utf8)
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
        return String(decoding: out, as: UTF8.self)
    }
}
