// Tokens of the template language and the character classes the lexer uses.

struct TemplateToken: Sendable {
    enum Kind: Sendable, Equatable {
        case error, bool, char, charConstant, complex, assign, declare, eof, field, identifier
        case leftDelim, leftParen, number, pipe, rawString, rightDelim, rightParen, space, string, text, variable
        // Keywords (Go prints them as `<name>` in messages).
        case block, breakKeyword, continueKeyword, dot, define, elseKeyword, end, ifKeyword, nilKeyword
        case range, template, with

        var isKeyword: Bool {
            switch self {
            case .block, .breakKeyword, .continueKeyword, .dot, .define, .elseKeyword, .end, .ifKeyword,
                 .nilKeyword, .range, .template, .with:
                return true
            default:
                return false
            }
        }
    }

    let kind: Kind
    /// Byte range of the token in the template text.
    let start: Int
    let end: Int
    /// The message of an `.error` token.
    var message: String = ""
}

/// Character classification and decoding shared by the lexer and literals.
extension TemplateLexer {
    /// Decodes the Unicode scalar at `i` (the input comes from a Swift string, so it is valid UTF-8).
    static func decode(_ bytes: [UInt8], at i: Int) -> (Int32, Int) {
        let b0 = bytes[i]
        if b0 < 0x80 { return (Int32(b0), 1) }
        let n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1
        guard n > 1, i + n <= bytes.count else { return (0xFFFD, 1) }
        var v = Int32(b0) & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07)
        for k in 1..<n { v = v << 6 | Int32(bytes[i + k] & 0x3F) }
        return (v, n)
    }

    static func isSpace(_ r: Int32) -> Bool { r == 0x20 || r == 0x09 || r == 0x0A || r == 0x0D }

    static func isAlphaNumeric(_ r: Int32) -> Bool {
        if r < 0 { return false }
        if r < 0x80 {
            return r == 0x5F || (r >= 0x30 && r <= 0x39) || (r | 0x20 >= 0x61 && r | 0x20 <= 0x7A)
        }
        guard let s = Unicode.Scalar(UInt32(r)) else { return false }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }

    /// Go's `%#U`: `U+0023 '#'` (the character only when printable).
    static func describeRune(_ r: Int32) -> String {
        let code = r < 0 ? 0xFFFD : UInt32(r)
        var hex = String(code, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        guard let s = Unicode.Scalar(code), TemplateQuote.isPrint(s) else { return "U+\(hex)" }
        return "U+\(hex) '\(Character(s))'"
    }
}
