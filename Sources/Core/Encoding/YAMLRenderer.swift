// YAML output as KrakenD writes it (gin's `c.YAML`, which marshals with
// goccy/go-yaml):
//
// - two-space indentation, mapping keys sorted by their bytes;
// - a list under a key starts at the key's column (`key:\n- a`), a list item
//   that is a mapping or a list continues on the dash's line (`- k: v`);
// - empty mappings and lists are `{}` and `[]`, null is `null`;
// - strings are written plain unless goccy's `IsNeedQuoted` says otherwise,
//   then as Go's `strconv.Quote`; numbers are JSON numbers (`json.Number` is a
//   string to goccy), so they come out quoted: `foo: "42"`;
// - a plain multi-line string becomes a literal block (`|-`, `|`, `|+`).

enum YAMLRenderer {
    static let maxDepth = 1000

    static func render(_ value: Value) -> [UInt8] {
        var out = ""
        switch value {
        case .object(let o) where !o.isEmpty:
            writeMapping(o, indent: 0, depth: 0, into: &out)
        case .array(let a) where !a.isEmpty:
            for element in a { writeItem(element, indent: 0, depth: 0, into: &out) }
        default:
            out += scalar(value, indent: 0) + "\n"
        }
        return Array(out.utf8)
    }

    private static func pad(_ n: Int) -> String { String(repeating: " ", count: n) }

    private static func writeMapping(_ o: [String: Value], indent: Int, depth: Int, into out: inout String) {
        for (key, v) in o.sorted(by: { utf8BytesLess($0.key, $1.key) }) {
            out += pad(indent) + quoted(key) + ":"
            switch v {
            case .object(let inner) where !inner.isEmpty && depth < maxDepth:
                out += "\n"
                writeMapping(inner, indent: indent + 2, depth: depth + 1, into: &out)
            case .array(let list) where !list.isEmpty && depth < maxDepth:
                out += "\n"
                for element in list { writeItem(element, indent: indent, depth: depth + 1, into: &out) }
            default:
                out += " " + scalar(v, indent: indent + 2) + "\n"
            }
        }
    }

    private static func writeItem(_ v: Value, indent: Int, depth: Int, into out: inout String) {
        var block = ""
        switch v {
        case .object(let inner) where !inner.isEmpty && depth < maxDepth:
            writeMapping(inner, indent: indent + 2, depth: depth + 1, into: &block)
        case .array(let list) where !list.isEmpty && depth < maxDepth:
            for element in list { writeItem(element, indent: indent + 2, depth: depth + 1, into: &block) }
        default:
            out += pad(indent) + "- " + scalar(v, indent: indent + 2) + "\n"
            return
        }
        // The nested block's first line moves up onto the dash.
        out += pad(indent) + "- " + block.dropFirst(indent + 2)
    }

    /// A value on the rest of a line; multi-line strings continue at `indent`.
    private static func scalar(_ v: Value, indent: Int) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let t): return quoted(t)
        case .object: return "{}"
        case .array: return "[]"
        case .string(let s):
            if needsQuotes(s) { return goQuote(s) }
            return literalBlock(s, indent: indent) ?? s
        }
    }

    private static func quoted(_ s: String) -> String { needsQuotes(s) ? goQuote(s) : s }

    /// goccy's `StringNode.String()` for a plain value holding line breaks.
    private static func literalBlock(_ s: String, indent: Int) -> String? {
        let lb = lineBreak(s)
        guard s.contains(lb) else { return nil }
        let header = s.hasSuffix(lb + lb) ? "|+" : (s.hasSuffix(lb) ? "|" : "|-")
        let prefix = pad(indent)
        var block = s.split(separator: lb, omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: lb)
        if block.hasSuffix(lb + prefix) { block.removeLast((lb + prefix).count) }
        if block.hasSuffix(prefix) { block.removeLast(prefix.count) }
        return header + lb + block
    }

    /// goccy's `DetectLineBreakCharacter`.
    private static func lineBreak(_ s: String) -> String {
        var n = 0, r = 0, rn = 0
        var previousCR = false
        for u in s.unicodeScalars {
            if u == "\n" {
                n += 1
                if previousCR { rn += 1 }
            }
            if u == "\r" { r += 1 }
            previousCR = u == "\r"
        }
        if n == rn && r == rn { return "\r\n" }
        return r > n ? "\r" : "\n"
    }

    // MARK: - Quoting

    private static let reservedWords: Set<String> = [
        "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE",
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    ]

    /// goccy/go-yaml's `token.IsNeedQuoted`.
    static func needsQuotes(_ s: String) -> Bool {
        guard let first = s.utf8.first, let last = s.utf8.last else { return true }
        if reservedWords.contains(s) || YAMLScalarRules.isNumber(s) { return true }
        if Array("*&[{}],!|>%'\"@ `".utf8).contains(first) { return true }
        if last == UInt8(ascii: ":") || last == UInt8(ascii: " ") { return true }
        if YAMLScalarRules.isTimestamp(s) { return true }
        let bytes = Array(s.utf8)
        for (i, b) in bytes.enumerated() {
            if b == UInt8(ascii: "#") || b == UInt8(ascii: "\\") { return true }
            if b == UInt8(ascii: ":") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: " ") { return true }
        }
        return false
    }

    /// Go's `strconv.Quote`.
    static func goQuote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    out += "\\x" + hex(u.value, width: 2)
                } else if u.value < 0x7F || isPrint(u) {
                    out.unicodeScalars.append(u)
                } else if u.value <= 0xFFFF {
                    out += "\\u" + hex(u.value, width: 4)
                } else {
                    out += "\\U" + hex(u.value, width: 8)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - h.count)) + h
    }

    /// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols.
    private static func isPrint(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate, .privateUse, .unassigned:
            return false
        default:
            return true
        }
    }
}
