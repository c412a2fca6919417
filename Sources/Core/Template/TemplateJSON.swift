// JSON output for Sprig's toJson, toPrettyJson and toRawJson: Go's
// encoding/json (sorted keys, HTML-safe escaping unless raw, MarshalIndent's
// layout), written without recursion so deep documents are safe.

enum TemplateJSON {
    /// The JSON text of `value`; nil when Go's encoder would fail (NaN, infinities).
    static func encode(_ value: Value, indent: String? = nil, escapeHTML: Bool = true) -> String? {
        var out: [UInt8] = []
        enum Frame {
            case array([Value], Int)
            case object([(key: String, value: Value)], Int)
        }
        var stack: [Frame] = []
        func newline() {
            guard let indent else { return }
            out.append(UInt8(ascii: "\n"))
            for _ in 0..<stack.count { out.append(contentsOf: indent.utf8) }
        }
        var pending: Value? = value
        while true {
            if let v = pending {
                pending = nil
                switch v {
                case .array(let a) where !a.isEmpty:
                    out.append(UInt8(ascii: "["))
                    stack.append(.array(a, 0))
                case .object(let o) where !o.isEmpty:
                    out.append(UInt8(ascii: "{"))
                    stack.append(.object(TemplatePrinter.sorted(o), 0))
                case .array: out.append(contentsOf: "[]".utf8)
                case .object: out.append(contentsOf: "{}".utf8)
                case .null: out.append(contentsOf: "null".utf8)
                case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                case .number(let n):
                    if n == "+Inf" || n == "-Inf" || n == "NaN" { return nil }
                    out.append(contentsOf: (n.isEmpty ? "0" : n).utf8)
                case .string(let s):
                    writeString(s, escapeHTML: escapeHTML, into: &out)
                }
            }
            guard let top = stack.popLast() else { break }
            switch top {
            case .array(let a, let i):
                if i == a.count {
                    newline()
                    out.append(UInt8(ascii: "]"))
                    continue
                }
                if i > 0 { out.append(UInt8(ascii: ",")) }
                stack.append(.array(a, i + 1))
                newline()
                pending = a[i]
            case .object(let members, let i):
                if i == members.count {
                    newline()
                    out.append(UInt8(ascii: "}"))
                    continue
                }
                if i > 0 { out.append(UInt8(ascii: ",")) }
                stack.append(.object(members, i + 1))
                newline()
                writeString(members[i].key, escapeHTML: escapeHTML, into: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(UInt8(ascii: " ")) }
                pending = members[i].value
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func writeString(_ s: String, escapeHTML: Bool, into out: inout [UInt8]) {
        if escapeHTML {
            JSONSerializer.writeString(s, into: &out)
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: "\\\"".utf8)
            case "\\": out.append(contentsOf: "\\\\".utf8)
            case "\n": out.append(contentsOf: "\\n".utf8)
            case "\r": out.append(contentsOf: "\\r".utf8)
            case "\t": out.append(contentsOf: "\\t".utf8)
            case "\u{08}": out.append(contentsOf: "\\b".utf8)
            case "\u{0C}": out.append(contentsOf: "\\f".utf8)
            case "\u{2028}": out.append(contentsOf: "\\u2028".utf8)
            case "\u{2029}": out.append(contentsOf: "\\u2029".utf8)
            default:
                if scalar.value < 0x20 {
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(scalar.value >> 4)])
                    out.append(hex[Int(scalar.value & 0xF)])
                } else {
                    out.append(contentsOf: String(Character(scalar)).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
