// XML to `[String: Value]` exactly as clbanning/mxj's `NewMapXmlReader` does
// it for KrakenD's `xml` backend encoding:
//
// - the root element is the single key of the result;
// - attributes become `-name` keys, element text becomes the value of a
//   simple element or `#text` beside attributes and children;
// - repeated child elements become arrays, in document order;
// - every value is a string (no casting), an empty element is "";
// - text is trimmed of `\t\r\b\n ` at both ends, and when an element has
//   several text runs (split by children, comments or CDATA) mxj keeps one of
//   them: the last run before the first child or attribute wins over the
//   others, as in Go;
// - namespace prefixes are dropped from names;
// - nothing after the root element is read.
//
// The tree is built with an explicit stack, so nesting costs heap, not stack.

public enum XMLMapDecoder {
    private struct Frame {
        var name: String
        /// mxj's `n[skey]`: text seen while `na` was still empty.
        var text: String?
        /// mxj's `na`: attributes, children and `#text`; repeated children
        /// collect in `lists` (appending in place) until the element closes.
        var members: [String: Value] = [:]
        var lists: [String: [Value]] = [:]

        var isEmpty: Bool { members.isEmpty && lists.isEmpty }

        mutating func add(_ value: Value, named key: String) {
            if lists[key] != nil {
                lists[key]!.append(value)
            } else if let existing = members.removeValue(forKey: key) {
                lists[key] = [existing, value]
            } else {
                members[key] = value
            }
        }
    }

    /// With the default nesting limit (the form the micro-benchmarks use).
    public static func decode(_ bytes: [UInt8]) throws(BackendDecodingError) -> [String: Value] {
        try decode(bytes, maxDepth: GoXMLDecoder.defaultMaxDepth)
    }

    static func decode(_ bytes: [UInt8], maxDepth: Int) throws(BackendDecodingError) -> [String: Value] {
        var decoder = GoXMLDecoder(bytes, strict: true, maxDepth: maxDepth)
        var stack: [Frame] = []
        while true {
            let token: GoXMLToken?
            do {
                token = try decoder.token()
            } catch {
                throw BackendDecodingError("xml.Decoder.Token() - \(error.message)")
            }
            guard let token else { throw BackendDecodingError("EOF") }
            switch token {
            case .startElement(let name, let attrs):
                var frame = Frame(name: name.local)
                for a in attrs { frame.members["-" + a.name.local] = .string(a.value) }
                stack.append(frame)
            case .endElement:
                let frame = stack.removeLast()
                let value = close(frame)
                guard !stack.isEmpty else { return [frame.name: value] }
                stack[stack.count - 1].add(value, named: frame.name)
            case .charData(let raw):
                let text = trim(raw)
                guard !text.isEmpty, !stack.isEmpty else { continue }
                if stack[stack.count - 1].isEmpty {
                    stack[stack.count - 1].text = text
                } else {
                    stack[stack.count - 1].members["#text"] = .string(text)
                }
            case .comment, .procInst, .directive:
                continue
            }
        }
    }

    private static func close(_ frame: Frame) -> Value {
        var members = frame.members
        for (key, list) in frame.lists { members[key] = .array(list) }
        if let text = frame.text {
            if members.isEmpty { return .string(text) }
            members["#text"] = .string(text)
            return .object(members)
        }
        return members.isEmpty ? .string("") : .object(members)
    }

    /// Go's `strings.Trim(s, "\t\r\b\n ")`.
    static func trim(_ s: String) -> String {
        let utf8 = s.utf8
        func isCut(_ b: UInt8) -> Bool { b == 0x09 || b == 0x0D || b == 0x08 || b == 0x0A || b == 0x20 }
        guard let first = utf8.firstIndex(where: { !isCut($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isCut($0) })!
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return s }
        return String(s[first...last])
    }
}
