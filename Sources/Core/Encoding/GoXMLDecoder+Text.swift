// Byte reading, character data, entities and names for `GoXMLDecoder`,
// ported from Go's `encoding/xml` (`text`, `readName`, `isName`).

extension GoXMLDecoder {
    mutating func getc() -> UInt8? {
        guard offset < bytes.count else { return nil }
        let b = bytes[offset]
        offset += 1
        if b == 0x0A { bumpLine(1) }
        return b
    }

    mutating func mustgetc() throws(BackendDecodingError) -> UInt8 {
        guard let b = getc() else { throw failWith("unexpected EOF") }
        return b
    }

    mutating func ungetc() {
        offset -= 1
        if bytes[offset] == 0x0A { bumpLine(-1) }
    }

    mutating func skipSpace() {
        while let b = getc() {
            if b != 0x20 && b != 0x0D && b != 0x0A && b != 0x09 {
                ungetc()
                return
            }
        }
    }

    static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        isAlnum(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
    }

    /// Character data up to `<` (or the closing `quote`, or `]]>` in CDATA),
    /// with entities expanded and line ends normalized.
    mutating func text(quote: UInt8?, cdata: Bool) throws(BackendDecodingError) -> String {
        var buf: [UInt8] = []
        var b0: UInt8 = 0, b1: UInt8 = 0
        var trunc = 0
        while true {
            guard let b = getc() else {
                if cdata { throw failWith("unexpected EOF in CDATA section") }
                break
            }
            if b0 == UInt8(ascii: "]") && b1 == UInt8(ascii: "]") && b == UInt8(ascii: ">") {
                if cdata {
                    trunc = 2
                    break
                }
                throw failWith("unescaped ]]> not in CDATA section")
            }
            if b == UInt8(ascii: "<") && !cdata {
                if quote != nil { throw failWith("unescaped < inside quoted string") }
                ungetc()
                break
            }
            if let quote, b == quote { break }
            if b == UInt8(ascii: "&") && !cdata {
                try entity(into: &buf)
                b0 = 0
                b1 = 0
                continue
            }
            if b == 0x0D {
                buf.append(0x0A)
            } else if b1 == 0x0D && b == 0x0A {
                // \r\n: the \n was already written.
            } else {
                buf.append(b)
            }
            b0 = b1
            b1 = b
        }
        buf.removeLast(trunc)
        return try validatedString(buf)
    }

    /// Reads an entity reference after `&` and appends its expansion (or, in
    /// non-strict mode, the reference itself when it is unknown).
    private mutating func entity(into buf: inout [UInt8]) throws(BackendDecodingError) {
        let before = buf.count
        buf.append(UInt8(ascii: "&"))
        var expansion: [UInt8]?
        var b = try mustgetc()
        if b == UInt8(ascii: "#") {
            buf.append(b)
            b = try mustgetc()
            var base: UInt32 = 10
            if b == UInt8(ascii: "x") {
                base = 16
                buf.append(b)
                b = try mustgetc()
            }
            let start = buf.count
            while Self.digitValue(b, base: base) != nil {
                buf.append(b)
                b = try mustgetc()
            }
            if b != UInt8(ascii: ";") {
                ungetc()
            } else {
                let digits = buf[start...]
                buf.append(b)
                if !digits.isEmpty, digits.count <= 16 {
                    var n: UInt64 = 0
                    for d in digits { n = n * UInt64(base) + UInt64(Self.digitValue(d, base: base)!) }
                    if n <= 0x10FFFF {
                        // Go turns surrogates into U+FFFD.
                        let scalar = Unicode.Scalar(UInt32(n)) ?? "\u{FFFD}"
                        expansion = Array(String(Character(scalar)).utf8)
                    }
                }
            }
        } else {
            ungetc()
            _ = try readName(into: &buf)
            let c = try mustgetc()
            if c != UInt8(ascii: ";") {
                ungetc()
            } else {
                let name = Array(buf[(before + 1)...])
                buf.append(c)
                switch String(decoding: name, as: UTF8.self) {
                case "lt": expansion = [UInt8(ascii: "<")]
                case "gt": expansion = [UInt8(ascii: ">")]
                case "amp": expansion = [UInt8(ascii: "&")]
                case "apos": expansion = [UInt8(ascii: "'")]
                case "quot": expansion = [UInt8(ascii: "\"")]
                default: break
                }
            }
        }
        if let expansion {
            buf.removeSubrange(before...)
            buf.append(contentsOf: expansion)
            return
        }
        if !strict { return }
        var ent = String(decoding: buf[before...], as: UTF8.self)
        if buf.last != UInt8(ascii: ";") { ent += " (no semicolon)" }
        throw failWith("invalid character entity \(ent)")
    }

    private static func digitValue(_ b: UInt8, base: UInt32) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where base == 16: return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where base == 16: return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Go rejects invalid UTF-8 and characters outside the XML Char production.
    private mutating func validatedString(_ buf: [UInt8]) throws(BackendDecodingError) -> String {
        var simple = true
        for b in buf where b >= 0x80 || (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) {
            simple = false
            break
        }
        if simple { return String(decoding: buf, as: UTF8.self) }
        guard let s = String(validating: buf, as: UTF8.self) else { throw failWith("invalid UTF-8") }
        for u in s.unicodeScalars {
            let v = u.value
            let ok = v == 0x09 || v == 0x0A || v == 0x0D || (v >= 0x20 && v <= 0xD7FF)
                || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000
            if !ok {
                var hex = String(v, radix: 16, uppercase: true)
                while hex.count < 4 { hex = "0" + hex }
                throw failWith("illegal character code U+\(hex)")
            }
        }
        return s
    }

    // MARK: - Names

    /// Appends a name's bytes to `buf`; false (nothing read) if none starts here.
    mutating func readName(into buf: inout [UInt8]) throws(BackendDecodingError) -> Bool {
        var b = try mustgetc()
        if b < 0x80 && !Self.isNameByte(b) {
            ungetc()
            return false
        }
        buf.append(b)
        while true {
            b = try mustgetc()
            if b < 0x80 && !Self.isNameByte(b) {
                ungetc()
                return true
            }
            buf.append(b)
        }
    }

    mutating func name() throws(BackendDecodingError) -> String? {
        var buf: [UInt8] = []
        guard try readName(into: &buf) else { return nil }
        guard let s = String(validating: buf, as: UTF8.self), Self.isName(s) else {
            throw failWith("invalid XML name: \(String(decoding: buf, as: UTF8.self))")
        }
        return s
    }

    /// A name split at its colon: `a:b` is space `a`, local `b`; more colons are an error.
    mutating func nsname() throws(BackendDecodingError) -> GoXMLName? {
        guard let s = try name() else { return nil }
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count > 2 { return nil }
        if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
            return GoXMLName(space: String(parts[0]), local: String(parts[1]))
        }
        return GoXMLName(space: "", local: s)
    }

    /// XML 1.0 Name: a letter, `_` or `:` first, then letters, digits, `.`, `-`,
    /// combining marks and extenders (Go's tables, approximated for non-ASCII).
    static func isName(_ s: String) -> Bool {
        var first = true
        for u in s.unicodeScalars {
            let v = u.value
            let isFirst: Bool
            if v < 0x80 {
                let c = UInt8(v)
                isFirst = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":")
                if first ? !isFirst : !(isFirst || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")) {
                    return false
                }
            } else {
                let p = u.properties
                isFirst = p.isAlphabetic
                let isSecond = v == 0xB7 || p.isAlphabetic || p.numericType == .decimal
                    || [.nonspacingMark, .spacingMark, .enclosingMark].contains(p.generalCategory)
                if first ? !isFirst : !isSecond { return false }
            }
            first = false
        }
        return !first
    }
}
