// `Value` to XML bytes exactly as clbanning/mxj's `Map.Xml()` writes them with
// `XMLEscapeChars(true)`, which is what KrakenD's `xml` output encoding sends:
//
// - a single-key object uses its key as the root tag (unless the value is a
//   list holding something other than objects); otherwise the root is `<doc>`;
// - `-name` keys are attributes (sorted), `#text` is the element text, other
//   keys are child elements sorted by name; a list repeats its key's element;
// - empty strings, null, empty objects and empty lists are `<key/>`;
// - text and attribute values escape `& < > " '`; names are written as given;
// - numbers keep their literal text, booleans are `true`/`false`;
// - an attribute whose value is an object, a list or null makes mxj fail, and
//   KrakenD then sends an empty body: `encode` returns nil.

enum XMLMapEncoder {
    private struct InvalidAttribute: Error {}

    /// Deeper values are refused (empty body) rather than risking the stack.
    static let maxDepth = 1000

    static func encode(_ object: [String: Value]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        do {
            if object.count == 1, let (key, value) = object.first {
                if case .array(let list) = value, list.contains(where: { $0.objectValue == nil }) {
                    try write("doc", .object(object), depth: 0, into: &out)
                } else {
                    try write(key, value, depth: 0, into: &out)
                }
            } else {
                try write("doc", .object(object), depth: 0, into: &out)
            }
        } catch {
            return nil
        }
        return out
    }

    private static func write(_ key: String, _ value: Value, depth: Int, into out: inout [UInt8]) throws(InvalidAttribute) {
        if depth > maxDepth { throw InvalidAttribute() }
        switch value {
        case .array(let list):
            if list.isEmpty {
                append("<", key, "/>", to: &out)
                return
            }
            for element in list { try write(key, element, depth: depth + 1, into: &out) }
        case .object(let members):
            try writeElement(key, members, depth: depth, into: &out)
        case .null:
            append("<", key, "/>", to: &out)
        case .string(let s):
            if s.isEmpty {
                append("<", key, "/>", to: &out)
            } else {
                append("<", key, ">", to: &out)
                appendEscaped(s, to: &out)
                append("</", key, ">", to: &out)
            }
        case .number(let text):
            if text.isEmpty {
                append("<", key, "/>", to: &out)
            } else {
                append("<", key, ">", to: &out)
                out.append(contentsOf: text.utf8)
                append("</", key, ">", to: &out)
            }
        case .bool(let b):
            append("<", key, b ? ">true</" : ">false</", to: &out)
            out.append(contentsOf: key.utf8)
            out.append(UInt8(ascii: ">"))
        }
    }

    private static func isAttribute(_ k: String) -> Bool {
        k.utf8.count > 1 && k.utf8.first == UInt8(ascii: "-")
    }

    private static func writeElement(_ key: String, _ members: [String: Value], depth: Int, into out: inout [UInt8]) throws(InvalidAttribute) {
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: key.utf8)
        var attrs: [(String, Value)] = []
        for (k, v) in members where isAttribute(k) { attrs.append((String(k.dropFirst()), v)) }
        attrs.sort { utf8BytesLess($0.0, $1.0) }
        for (name, v) in attrs {
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: "=\"".utf8)
            switch v {
            case .string(let s): appendEscaped(s, to: &out)
            case .number(let t): out.append(contentsOf: t.utf8)
            case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
            case .null, .array, .object: throw InvalidAttribute()
            }
            out.append(UInt8(ascii: "\""))
        }
        if attrs.count == members.count {
            out.append(contentsOf: "/>".utf8)
            return
        }
        out.append(UInt8(ascii: ">"))
        if let text = members["#text"] {
            if case .string(let s) = text { appendEscaped(s, to: &out) } else { out.append(contentsOf: goFormat(text).utf8) }
            if attrs.count + 1 == members.count {
                append("</", key, ">", to: &out)
                return
            }
        }
        let children = members.filter { $0.key != "#text" && !isAttribute($0.key) }.sorted { utf8BytesLess($0.key, $1.key) }
        for (k, v) in children { try write(k, v, depth: depth + 1, into: &out) }
        append("</", key, ">", to: &out)
    }

    /// Go's `fmt.Sprintf("%v", v)` for a decoded JSON value.
    static func goFormat(_ v: Value) -> String {
        switch v {
        case .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .number(let t): return t
        case .string(let s): return s
        case .array(let a): return "[" + a.map(goFormat).joined(separator: " ") + "]"
        case .object(let o):
            let parts = o.sorted { utf8BytesLess($0.key, $1.key) }.map { "\($0.key):\(goFormat($0.value))" }
            return "map[" + parts.joined(separator: " ") + "]"
        }
    }

    private static func append(_ a: StaticString, _ key: String, _ b: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: a.utf8Start, count: a.utf8CodeUnitCount))
        out.append(contentsOf: key.utf8)
        out.append(contentsOf: UnsafeBufferPointer(start: b.utf8Start, count: b.utf8CodeUnitCount))
    }

    /// mxj's `escapeChars`: `&` `<` `>` `"` `'`, nothing else.
    static func appendEscaped(_ s: String, to out: inout [UInt8]) {
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&apos;".utf8)
            default: out.append(b)
            }
        }
    }
}
