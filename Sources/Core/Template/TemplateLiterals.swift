// Literal constants of the template language, decoded as Go's parser does:
// strings through strconv.Unquote, character constants through
// strconv.UnquoteChar and numbers through ParseInt/ParseUint/ParseFloat
// (base prefixes, `_` separators, hex floats).

/// A decoding failure, with Go's message (`invalid syntax`, `illegal number syntax: "1e"`).
struct TemplateLiteralError: Error {
    let message: String
}

/// A number literal after parsing: which Go types it fits, as in parse.NumberNode.
struct TemplateNumberLiteral: Sendable {
    var text: String
    var isInt = false
    var intValue: Int64 = 0
    var isUint = false
    var isFloat = false
    var floatValue: Double = 0

    /// Go's `idealConstant`: the value the literal has when no parameter type
    /// says otherwise, or the `overflows int` message.
    var ideal: Result<TemplateValue, TemplateLiteralError> {
        let b = Array(text.utf8)
        let isHexInt = b.count > 2 && b[0] == UInt8(ascii: "0") && (b[1] | 0x20) == UInt8(ascii: "x")
            && !b.contains(UInt8(ascii: "p")) && !b.contains(UInt8(ascii: "P"))
        let isRune = b.first == UInt8(ascii: "'")
        let floatSyntax = b.contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") || $0 | 0x20 == UInt8(ascii: "p") }
        if isFloat && !isHexInt && !isRune && floatSyntax { return .success(.float(floatValue)) }
        if isInt { return .success(.value(.number(String(intValue)))) }
        return .failure(TemplateLiteralError(message: "\(text) overflows int"))
    }
}

enum TemplateLiterals {
    /// Go's `strconv.Unquote` for `"..."` and backquoted strings.
    static func unquote(_ token: ArraySlice<UInt8>) throws(TemplateLiteralError) -> String {
        let bytes = Array(token)
        guard bytes.count >= 2, let q = bytes.first, q == bytes.last else { throw syntax }
        let body = Array(bytes[1..<(bytes.count - 1)])
        if q == UInt8(ascii: "`") {
            if body.contains(UInt8(ascii: "`")) { throw syntax }
            return String(decoding: body.filter { $0 != 0x0D }, as: UTF8.self)
        }
        guard q == UInt8(ascii: "\"") else { throw syntax }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var rest = body[...]
        while !rest.isEmpty {
            if rest.first == 0x0A { throw syntax }
            let (value, multibyte, tail) = try unquoteChar(rest, quote: q)
            rest = tail
            if value < 0x80 || !multibyte {
                out.append(UInt8(truncatingIfNeeded: value))
            } else {
                appendUTF8(value, to: &out)
            }
        }
        // A `\xff` escape can make invalid UTF-8; Swift strings repair it to U+FFFD.
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of a character constant such as `'a'`, `'\n'`, `'\u30d1'`.
    static func charValue(_ token: ArraySlice<UInt8>) throws(TemplateLiteralError) -> Int64 {
        guard token.count >= 2 else { throw syntax }
        let (value, _, tail) = try unquoteChar(token.dropFirst(), quote: UInt8(ascii: "'"))
        guard tail.count == 1, tail.first == UInt8(ascii: "'") else {
            throw TemplateLiteralError(message: "malformed character constant: \(String(decoding: token, as: UTF8.self))")
        }
        return Int64(value)
    }

    private static var syntax: TemplateLiteralError { TemplateLiteralError(message: "invalid syntax") }

    /// Go's `strconv.UnquoteChar`: one (possibly escaped) character and the rest.
    private static func unquoteChar(_ s: ArraySlice<UInt8>, quote: UInt8) throws(TemplateLiteralError)
        -> (value: UInt32, multibyte: Bool, tail: ArraySlice<UInt8>) {
        guard let c = s.first else { throw syntax }
        if c == quote { throw syntax }
        if c >= 0x80 {
            let (r, n) = TemplateLexer.decode(Array(s.prefix(4)), at: 0)
            return (UInt32(r), true, s.dropFirst(n))
        }
        if c != UInt8(ascii: "\\") { return (UInt32(c), false, s.dropFirst()) }
        guard s.count > 1 else { throw syntax }
        let e = s[s.startIndex + 1]
        var rest = s.dropFirst(2)
        switch e {
        case UInt8(ascii: "a"): return (7, false, rest)
        case UInt8(ascii: "b"): return (8, false, rest)
        case UInt8(ascii: "f"): return (12, false, rest)
        case UInt8(ascii: "n"): return (10, false, rest)
        case UInt8(ascii: "r"): return (13, false, rest)
        case UInt8(ascii: "t"): return (9, false, rest)
        case UInt8(ascii: "v"): return (11, false, rest)
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let n = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
            guard rest.count >= n else { throw syntax }
            var v: UInt32 = 0
            for b in rest.prefix(n) {
                guard let d = hexDigit(b) else { throw syntax }
                v = v << 4 | d
            }
            rest = rest.dropFirst(n)
            if e == UInt8(ascii: "x") { return (v, false, rest) }
            guard v <= 0x10FFFF, !(0xD800...0xDFFF).contains(v) else { throw syntax }
            return (v, true, rest)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var v = UInt32(e - UInt8(ascii: "0"))
            guard rest.count >= 2 else { throw syntax }
            for b in rest.prefix(2) {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "7") else { throw syntax }
                v = v << 3 | UInt32(b - UInt8(ascii: "0"))
            }
            guard v <= 255 else { throw syntax }
            return (v, false, rest.dropFirst(2))
        case UInt8(ascii: "\\"):
            return (UInt32(e), false, rest)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            guard e == quote else { throw syntax }
            return (UInt32(e), false, rest)
        default:
            throw syntax
        }
    }

    private static func hexDigit(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
        out.append(contentsOf: String(Character(scalar)).utf8)
    }

    // MARK: Numbers

    /// Go's `newNumber` for an `itemNumber` or `itemCharConstant` token.
    static func number(_ token: ArraySlice<UInt8>, isChar: Bool) throws(TemplateLiteralError) -> TemplateNumberLiteral {
        let text = String(decoding: token, as: UTF8.self)
        var n = TemplateNumberLiteral(text: text)
        if isChar {
            let r = try charValue(token)
            n.isInt = true
            n.intValue = r
            n.isUint = true
            n.isFloat = true
            n.floatValue = Double(r)
            return n
        }
        if token.last == UInt8(ascii: "i"), parseFloat(token.dropLast()) != nil {
            throw TemplateLiteralError(message: "complex numbers are not supported: \(text)")
        }
        let u = parseUint(token)
        if u != nil { n.isUint = true }
        if let i = parseInt(token) {
            n.isInt = true
            n.intValue = i
            if i == 0 { n.isUint = true } // -0
        }
        if n.isInt {
            n.isFloat = true
            n.floatValue = Double(n.intValue)
        } else if let u {
            n.isFloat = true
            n.floatValue = Double(u)
        } else if let f = parseFloat(token) {
            // A float that looks like an integer is a huge integer literal: reject it.
            if !token.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") || $0 | 0x20 == UInt8(ascii: "p") }) {
                throw TemplateLiteralError(message: "integer overflow: \(text)")
            }
            n.isFloat = true
            n.floatValue = f
            if f == f.rounded(), abs(f) < 9.2e18 {
                n.isInt = true
                n.intValue = Int64(f)
            }
            if f == f.rounded(), f >= 0, f < 1.8e19 { n.isUint = true }
        }
        if !n.isInt && !n.isUint && !n.isFloat {
            throw TemplateLiteralError(message: "illegal number syntax: \(TemplateQuote.quote(text))")
        }
        return n
    }

    /// `strconv.ParseUint(s, 0, 64)`.
    static func parseUint(_ s: ArraySlice<UInt8>) -> UInt64? {
        guard !s.isEmpty, s.first != UInt8(ascii: "+"), s.first != UInt8(ascii: "-") else { return nil }
        guard underscoreOK(s) else { return nil }
        var digits = s
        var base: UInt64 = 10
        if s.first == UInt8(ascii: "0") {
            let second = s.count >= 3 ? s[s.startIndex + 1] | 0x20 : 0
            switch second {
            case UInt8(ascii: "b"): base = 2; digits = s.dropFirst(2)
            case UInt8(ascii: "o"): base = 8; digits = s.dropFirst(2)
            case UInt8(ascii: "x"): base = 16; digits = s.dropFirst(2)
            default: base = 8; digits = s.dropFirst()
            }
        }
        var n: UInt64 = 0
        for b in digits {
            if b == UInt8(ascii: "_") { continue }
            guard let d = hexDigit(b), UInt64(d) < base else { return nil }
            let (m, o1) = n.multipliedReportingOverflow(by: base)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            n = a
        }
        return n
    }

    /// `strconv.ParseInt(s, 0, 64)`.
    static func parseInt(_ s: ArraySlice<UInt8>) -> Int64? {
        var body = s
        var negative = false
        if let f = s.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            negative = f == UInt8(ascii: "-")
            body = s.dropFirst()
        }
        guard let u = parseUint(body) else { return nil }
        if negative {
            if u > UInt64(Int64.max) + 1 { return nil }
            return u == UInt64(Int64.max) + 1 ? Int64.min : -Int64(u)
        }
        return u > UInt64(Int64.max) ? nil : Int64(u)
    }

    /// `strconv.ParseFloat(s, 64)` for the syntax the lexer lets through; overflow is an error.
    static func parseFloat(_ s: ArraySlice<UInt8>) -> Double? {
        guard underscoreOK(s) else { return nil }
        let cleaned = s.filter { $0 != UInt8(ascii: "_") }
        let body = cleaned.first == UInt8(ascii: "+") || cleaned.first == UInt8(ascii: "-") ? cleaned.dropFirst() : cleaned[...]
        // Only digits, '.', exponents and hex floats (which need a 'p' exponent) reach here.
        let isHex = body.count > 1 && body.first == UInt8(ascii: "0") && body[body.startIndex + 1] | 0x20 == UInt8(ascii: "x")
        if isHex && !body.contains(where: { $0 | 0x20 == UInt8(ascii: "p") }) { return nil }
        for b in body where !(hexDigit(b) != nil || b == UInt8(ascii: ".") || b | 0x20 == UInt8(ascii: "x")
                              || b | 0x20 == UInt8(ascii: "p") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")) {
            return nil
        }
        guard let d = Double(String(decoding: cleaned, as: UTF8.self)), d.isFinite else { return nil }
        return d
    }

    /// Go's `underscoreOK`: `_` only between digits, or after a base prefix.
    static func underscoreOK(_ s: ArraySlice<UInt8>) -> Bool {
        var body = s
        if let f = body.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { body = body.dropFirst() }
        var saw: UInt8 = UInt8(ascii: "^")
        var hex = false
        var i = body.startIndex
        if body.count >= 2, body[i] == UInt8(ascii: "0") {
            let p = body[i + 1] | 0x20
            if p == UInt8(ascii: "b") || p == UInt8(ascii: "o") || p == UInt8(ascii: "x") {
                i += 2
                saw = UInt8(ascii: "0")
                hex = p == UInt8(ascii: "x")
            }
        }
        while i < body.endIndex {
            let c = body[i]
            i += 1
            if (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (hex && c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f")) {
                saw = UInt8(ascii: "0")
                continue
            }
            if c == UInt8(ascii: "_") {
                if saw != UInt8(ascii: "0") { return false }
                saw = UInt8(ascii: "_")
                continue
            }
            if saw == UInt8(ascii: "_") { return false }
            saw = UInt8(ascii: "!")
        }
        return saw != UInt8(ascii: "_")
    }
}
