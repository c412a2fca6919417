/// JSON Schema's notion of equality and a compact rendering, for `enum`,
/// `const`, `uniqueItems` and the messages that quote values.
enum JSONValueText {
    /// Equality as JSON Schema defines it: numbers by value (`1` equals `1.0`),
    /// which `Value`'s `==` does not do because it keeps the literal text.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            if x == y { return true }
            guard let dx = Double(x), let dy = Double(y) else { return false }
            return dx == dy
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        default:
            return a == b
        }
    }

    /// Compact JSON for messages: `"xml2"`, `3`, `{"a":1}`.
    static func render(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let text): return text
        case .string(let s): return quote(s)
        case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
        case .object(let members):
            let body = members.keys.sorted().map { quote($0) + ":" + render(members[$0]!) }
            return "{" + body.joined(separator: ",") + "}"
        }
    }

    /// A value in a list of allowed ones: strings bare (`json, xml`), the rest as JSON.
    static func renderBare(_ value: Value) -> String {
        if case .string(let s) = value { return s }
        return render(value)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
