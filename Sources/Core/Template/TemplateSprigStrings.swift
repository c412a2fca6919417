// Sprig's string functions, with Go's byte-oriented semantics (substr and
// trunc cut bytes, replace/contains compare bytes, case mapping is per rune).

enum TemplateSprigStrings {
    /// Outputs larger than this are refused rather than exhausting memory.
    static let maxOutput = 1 << 26

    static func apply(_ f: TemplateFunction, _ a: [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue {
        func s(_ i: Int) -> String { a[i].string ?? "" }
        func n(_ i: Int) -> Int { if case .int(let v)? = a[i].number { return v } else { return 0 } }
        switch f {
        case .upper: return .string(mapCase(s(0), upper: true))
        case .lower: return .string(mapCase(s(0), upper: false))
        case .title: return .string(title(s(0)))
        case .trim: return .string(trim(s(0)) { $0.properties.isWhitespace })
        case .trimAll:
            let cutset = Set(s(0).unicodeScalars)
            return .string(trim(s(1)) { cutset.contains($0) })
        case .trimPrefix:
            let (prefix, str) = (Array(s(0).utf8), Array(s(1).utf8))
            return .string(str.starts(with: prefix) ? String(decoding: str[prefix.count...], as: UTF8.self) : s(1))
        case .trimSuffix:
            let (suffix, str) = (Array(s(0).utf8), Array(s(1).utf8))
            guard str.count >= suffix.count, Array(str[(str.count - suffix.count)...]) == suffix else { return a[1] }
            return .string(String(decoding: str[..<(str.count - suffix.count)], as: UTF8.self))
        case .replace: return .string(try replace(s(2), old: s(0), new: s(1)))
        case .contains: return .bool(find(Array(s(0).utf8), in: Array(s(1).utf8), from: 0) != nil)
        case .hasPrefix: return .bool(Array(s(1).utf8).starts(with: Array(s(0).utf8)))
        case .hasSuffix: return .bool(Array(s(1).utf8).reversed().starts(with: Array(s(0).utf8).reversed()))
        case .repeat: return .string(try repeated(s(1), n(0)))
        case .substr: return .string(try substr(n(0), n(1), s(2)))
        case .trunc:
            let bytes = Array(s(1).utf8)
            let c = n(0)
            if c < 0 && bytes.count + c > 0 { return .string(String(decoding: bytes[(bytes.count + c)...], as: UTF8.self)) }
            if c >= 0 && bytes.count > c { return .string(String(decoding: bytes[..<c], as: UTF8.self)) }
            return a[1]
        case .quote:
            return .string(a.filter { !$0.isNil }.map { TemplateQuote.quote(TemplateBuiltins.strval($0)) }.joined(separator: " "))
        case .squote:
            return .string(a.filter { !$0.isNil }.map { "'" + TemplatePrinter.sprint([$0]) + "'" }.joined(separator: " "))
        case .cat:
            return .string(a.filter { !$0.isNil }.map { TemplatePrinter.sprint([$0]) }.joined(separator: " "))
        case .indent: return .string(try indent(n(0), s(1)))
        case .nindent: return .string("\n" + (try indent(n(0), s(1))))
        case .b64enc: return .string(TemplateBase64.encode(Array(s(0).utf8)))
        case .b64dec:
            switch TemplateBase64.decode(s(0)) {
            case .success(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
            case .failure(let error): return .string(error.message) // Sprig returns the error text
            }
        default:
            return .missing
        }
    }

    /// Per-rune case mapping, keeping a rune whose mapping is not a single rune (Go's `unicode.To*`).
    private static func mapCase(_ s: String, upper: Bool) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return upper ? s.uppercased() : s.lowercased() }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            let mapped = (upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping).unicodeScalars
            if mapped.count == 1, let m = mapped.first { out.append(m) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// Go's `strings.Title`: the first letter of each word in title case.
    private static func title(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        for scalar in s.unicodeScalars {
            if isSeparator(previous) {
                let mapped = scalar.properties.titlecaseMapping.unicodeScalars
                out.append(mapped.count == 1 ? mapped.first ?? scalar : scalar)
            } else {
                out.append(scalar)
            }
            previous = scalar
        }
        return String(out)
    }

    private static func isSeparator(_ r: Unicode.Scalar) -> Bool {
        if r.value < 0x80 {
            let c = r.value
            return !((c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x5F)
        }
        if TemplateLexer.isAlphaNumeric(Int32(r.value)) { return false }
        return r.properties.isWhitespace
    }

    private static func trim(_ s: String, _ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = Array(s.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end && drop(scalars[start]) { start += 1 }
        while end > start && drop(scalars[end - 1]) { end -= 1 }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start..<end])
        return String(out)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        if needle.isEmpty { return from <= haystack.count ? from : nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// `strings.Replace(src, old, new, -1)`; an empty `old` matches before every rune and at the end.
    private static func replace(_ src: String, old: String, new: String) throws(TemplateFunctionError) -> String {
        let s = Array(src.utf8), o = Array(old.utf8), n = Array(new.utf8)
        var positions: [Int] = []
        if o.isEmpty {
            var i = 0
            for scalar in src.unicodeScalars {
                positions.append(i)
                i += String(Character(scalar)).utf8.count
            }
            positions.append(s.count)
        } else {
            var i = 0
            while let j = find(o, in: s, from: i) {
                positions.append(j)
                i = j + o.count
            }
        }
        let (growth, overflow) = positions.count.multipliedReportingOverflow(by: n.count)
        if overflow || s.count + growth > maxOutput { throw TemplateFunctionError("strings: Replace output length overflow") }
        var out: [UInt8] = []
        out.reserveCapacity(s.count + growth)
        var i = 0
        for j in positions {
            out.append(contentsOf: s[i..<j])
            out.append(contentsOf: n)
            i = j + o.count
        }
        if i < s.count { out.append(contentsOf: s[i...]) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func repeated(_ s: String, _ count: Int) throws(TemplateFunctionError) -> String {
        if count < 0 { throw TemplateFunctionError("strings: negative Repeat count") }
        let (total, overflow) = s.utf8.count.multipliedReportingOverflow(by: count)
        if overflow || total > maxOutput { throw TemplateFunctionError("strings: Repeat output length overflow") }
        return String(repeating: s, count: count)
    }

    private static func indent(_ spaces: Int, _ s: String) throws(TemplateFunctionError) -> String {
        let lines = s.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let (total, overflow) = lines.multipliedReportingOverflow(by: Swift.max(spaces, 0))
        if overflow || total > maxOutput { throw TemplateFunctionError("strings: Repeat output length overflow") }
        let pad = try repeated(" ", spaces)
        return pad + (try replace(s, old: "\n", new: "\n" + pad))
    }

    /// Sprig's `substr` over bytes, with Go's slice-bounds panics as errors.
    private static func substr(_ start: Int, _ end: Int, _ s: String) throws(TemplateFunctionError) -> String {
        let b = Array(s.utf8)
        func bounds(_ text: String) -> TemplateFunctionError {
            TemplateFunctionError("runtime error: slice bounds out of range \(text)")
        }
        if start < 0 {
            guard end >= 0 else { throw bounds("[:\(end)]") }
            guard end <= b.count else { throw bounds("[:\(end)] with length \(b.count)") }
            return String(decoding: b[..<end], as: UTF8.self)
        }
        if end < 0 || end > b.count {
            guard start <= b.count else { throw bounds("[\(start):\(b.count)]") }
            return String(decoding: b[start...], as: UTF8.self)
        }
        guard start <= end else { throw bounds("[\(start):\(end)]") }
        return String(decoding: b[start..<end], as: UTF8.self)
    }
}
