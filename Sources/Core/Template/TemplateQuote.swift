// Go's strconv quoting (Quote, QuoteToASCII, QuoteRune, CanBackquote) and
// unicode.IsPrint, used by %q, error messages and the lexer.

enum TemplateQuote {
    /// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and ASCII space.
    static func isPrint(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v >= 0x20 && v < 0x7F }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    /// `strconv.Quote`.
    static func quote(_ s: String, asciiOnly: Bool = false) -> String {
        var out = "\""
        for scalar in s.unicodeScalars { appendEscaped(scalar, quote: "\"", asciiOnly: asciiOnly, to: &out) }
        out += "\""
        return out
    }

    /// `strconv.QuoteRune` (invalid code points become U+FFFD).
    static func quoteRune(_ value: Int, asciiOnly: Bool = false) -> String {
        let scalar = (value >= 0 && value <= 0x10FFFF) ? Unicode.Scalar(UInt32(value)) ?? "\u{FFFD}" : "\u{FFFD}"
        var out = "'"
        appendEscaped(scalar, quote: "'", asciiOnly: asciiOnly, to: &out)
        out += "'"
        return out
    }

    /// `strconv.CanBackquote`: no backquote, no control characters other than tab.
    static func canBackquote(_ s: String) -> Bool {
        for scalar in s.unicodeScalars {
            if scalar == "`" || scalar == "\u{FEFF}" { return false }
            if scalar.value < 0x20 && scalar != "\t" { return false }
            if scalar.value == 0x7F { return false }
        }
        return true
    }

    private static func appendEscaped(_ r: Unicode.Scalar, quote: Unicode.Scalar, asciiOnly: Bool, to out: inout String) {
        if r == quote || r == "\\" {
            out += "\\"
            out.unicodeScalars.append(r)
            return
        }
        if asciiOnly ? (r.value < 0x80 && isPrint(r)) : isPrint(r) {
            out.unicodeScalars.append(r)
            return
        }
        switch r {
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            let v = r.value
            if v < 0x20 || v == 0x7F {
                out += "\\x" + hex(v, digits: 2)
            } else if v < 0x10000 {
                out += "\\u" + hex(v, digits: 4)
            } else {
                out += "\\U" + hex(v, digits: 8)
            }
        }
    }

    static func hex(_ v: UInt32, digits: Int, uppercase: Bool = false) -> String {
        let s = String(v, radix: 16, uppercase: uppercase)
        let n = s.utf8.count
        return n < digits ? String(repeating: "0", count: digits - n) + s : s
    }
}
