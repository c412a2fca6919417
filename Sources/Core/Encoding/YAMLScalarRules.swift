// The two plain-scalar tests goccy/go-yaml uses to decide that a string must
// be quoted: "would this read back as a number?" (`token.isNumber`, built on
// Go's strconv) and "would this read back as a timestamp?" (`isTimestamp`).

enum YAMLScalarRules {
    /// goccy's `isNumber`: true for anything strconv parses, or rejects only
    /// for being out of range.
    static func isNumber(_ value: String) -> Bool {
        if value.isEmpty || value.hasPrefix("_") { return false }
        let dots = value.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: ".") ? 1 : 0) }
        if dots > 1 { return false }
        var s = Substring(value)
        if s.hasPrefix("+") { s = s.dropFirst() }
        if s.hasPrefix("-") { s = s.dropFirst() }
        var normalized = String(s.filter { $0 != "_" })
        var base = 10
        var isFloat = false
        if normalized.hasPrefix("0x") {
            normalized.removeFirst(2)
            base = 16
        } else if normalized.hasPrefix("0o") {
            normalized.removeFirst(2)
            base = 8
        } else if normalized.hasPrefix("0b") {
            normalized.removeFirst(2)
            base = 2
        } else if normalized.hasPrefix("0") && normalized.utf8.count > 1 && dots == 0 {
            base = 8
        } else if dots == 1 {
            isFloat = true
        }
        if isFloat { return parsesAsGoFloat(normalized) }
        // ParseInt/ParseUint: digits of the base only; overflow still counts.
        guard !normalized.isEmpty else { return false }
        for b in normalized.utf8 {
            let d: Int
            switch b {
            case 0x30...0x39: d = Int(b - 0x30)
            case 0x61...0x66: d = Int(b - 0x61 + 10)
            case 0x41...0x46: d = Int(b - 0x41 + 10)
            default: return false
            }
            if d >= base { return false }
        }
        return true
    }

    /// Go's `strconv.ParseFloat` syntax (decimal with one dot here, optional
    /// exponent); range errors count as numbers.
    private static func parsesAsGoFloat(_ s: String) -> Bool {
        var bytes = Array(s.utf8)[...]
        var sawDigit = false
        while let b = bytes.first, b >= 0x30 && b <= 0x39 { sawDigit = true; bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            while let b = bytes.first, b >= 0x30 && b <= 0x39 { sawDigit = true; bytes = bytes.dropFirst() }
        }
        guard sawDigit else { return false }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            var expDigits = false
            while let b = bytes.first, b >= 0x30 && b <= 0x39 { expDigits = true; bytes = bytes.dropFirst() }
            guard expDigits else { return false }
        }
        return bytes.isEmpty
    }

    /// goccy's `isTimestamp`: RFC 3339 (`T` or `t`), `2006-01-02 15:04:05`,
    /// `2006-01-02`, or a bare `15:4` clock.
    static func isTimestamp(_ value: String) -> Bool {
        let b = Array(value.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var n = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        func validDate() -> Bool {
            guard let y = digits(0, 4), b.count >= 10, b[4] == UInt8(ascii: "-"), let m = digits(5, 2),
                  b[7] == UInt8(ascii: "-"), let d = digits(8, 2), (1...12).contains(m) else { return false }
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
            return d >= 1 && d <= days
        }
        func validClock(at i: Int) -> Bool {
            guard let h = digits(i, 2), b.count > i + 7, b[i + 2] == UInt8(ascii: ":"), let mi = digits(i + 3, 2),
                  b[i + 5] == UInt8(ascii: ":"), let s = digits(i + 6, 2) else { return false }
            return h < 24 && mi < 60 && s < 60
        }
        if b.count == 10 { return validDate() }
        if b.count == 19, validDate(), b[10] == UInt8(ascii: " "), validClock(at: 11) { return true }
        if b.count >= 20, validDate(), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), validClock(at: 11) {
            var i = 19
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                let start = i
                while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
                if i == start { return false }
            }
            let zone = b[i...]
            if zone.elementsEqual([UInt8(ascii: "Z")]) { return true }
            guard zone.count == 6, zone.first == UInt8(ascii: "+") || zone.first == UInt8(ascii: "-"),
                  let zh = digits(i + 1, 2), b[i + 3] == UInt8(ascii: ":"), let zm = digits(i + 4, 2) else { return false }
            return zh < 24 && zm < 60
        }
        // "15:4": one or two digits each side.
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].utf8.count), (1...2).contains(parts[1].utf8.count),
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
              let h = Int(parts[0]), let m = Int(parts[1]) else { return false }
        return h < 24 && m < 60
    }
}
