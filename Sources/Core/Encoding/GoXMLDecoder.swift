// An XML tokenizer that behaves like Go's `encoding/xml.Decoder.Token()`, the
// parser under both KrakenD XML decoders: mxj (strict mode) for `encoding: xml`
// and gofeed's pull parser (non-strict mode) for `encoding: rss`.
//
// What it copies from Go, because the decoded values depend on it:
// - text runs, CDATA sections, comments, processing instructions and
//   directives are separate tokens; `\r\n` and `\r` become `\n`;
// - only the five predefined entities and numeric references are expanded;
//   a DOCTYPE is returned as an opaque directive and never interpreted, so
//   there is no external entity, no entity expansion, no billion laughs;
// - names are split at the first `:` and translated through the `xmlns`
//   declarations in scope (unknown prefixes stay as the space);
// - non-strict mode keeps unknown entities literally, accepts unquoted and
//   valueless attributes and repairs mismatched end tags the way Go does;
// - a non-UTF-8 `encoding` in the XML declaration switches the rest of the
//   input to that charset (UTF-8, US-ASCII, ISO-8859-1/Windows-1252).
//
// Unlike Go it stops at `maxDepth` nested elements, so hostile input cannot
// build values deep enough to exhaust a thread stack.

/// A qualified XML name after namespace translation (`space` is the URL, or the
/// unknown prefix).
struct GoXMLName: Equatable, Sendable {
    var space: String
    var local: String
}

struct GoXMLAttr: Sendable {
    var name: GoXMLName
    var value: String
}

enum GoXMLToken {
    case startElement(GoXMLName, [GoXMLAttr])
    case endElement(GoXMLName)
    case charData(String)
    case comment
    case procInst(target: String)
    case directive
}

struct GoXMLDecoder {
    static let defaultMaxDepth = 1000

    var bytes: [UInt8]
    /// Index of the next unread byte: Go's `InputOffset()`.
    var offset = 0
    private var line = 1
    let strict: Bool
    private let maxDepth: Int
    private var failure: BackendDecodingError?
    private var needClose = false
    private var toClose = GoXMLName(space: "", local: "")
    /// Go's decoder stack: open elements, each above the `ns` bindings its
    /// attributes replaced (restored when the element closes normally).
    private enum StackEntry {
        case element(GoXMLName)
        case binding(prefix: String, old: String?)
    }
    private var stack: [StackEntry] = []
    private(set) var depth = 0
    private var ns: [String: String] = [:]

    init(_ bytes: [UInt8], strict: Bool, maxDepth: Int = GoXMLDecoder.defaultMaxDepth) {
        self.bytes = bytes
        self.strict = strict
        self.maxDepth = maxDepth
    }

    private func syntaxError(_ msg: String) -> BackendDecodingError {
        BackendDecodingError("XML syntax error on line \(line): \(msg)")
    }

    // MARK: - Token (namespaces and element stack)

    /// The next token, or nil at a clean end of input.
    mutating func token() throws(BackendDecodingError) -> GoXMLToken? {
        guard var t = try rawToken() else {
            if depth > 0 { throw syntaxError("unexpected EOF") }
            return nil
        }
        switch t {
        case .startElement(var name, var attrs):
            for a in attrs {
                if a.name.space == "xmlns" {
                    stack.append(.binding(prefix: a.name.local, old: ns[a.name.local]))
                    ns[a.name.local] = a.value
                }
                if a.name.space.isEmpty && a.name.local == "xmlns" {
                    stack.append(.binding(prefix: "", old: ns[""]))
                    ns[""] = a.value
                }
            }
            translate(&name, isElementName: true)
            for i in attrs.indices { translate(&attrs[i].name, isElementName: false) }
            if depth >= maxDepth {
                throw fail(BackendDecodingError("XML nesting deeper than \(maxDepth) elements"))
            }
            stack.append(.element(name))
            depth += 1
            t = .startElement(name, attrs)
        case .endElement(var name):
            translate(&name, isElementName: true)
            guard case .element(let open)? = stack.popLast() else {
                throw fail(syntaxError("unexpected end element </\(name.local)>"))
            }
            depth -= 1
            if open.local != name.local {
                guard !strict else {
                    throw fail(syntaxError("element <\(open.local)> closed by </\(name.local)>"))
                }
                // Go closes the open element and replays the end tag next,
                // leaving that element's namespace bindings on its stack.
                needClose = true
                toClose = name
                t = .endElement(open)
                break
            }
            if open.space != name.space {
                throw fail(syntaxError("element <\(open.local)> in space \(open.space) closed by </\(name.local)> in space \(name.space)"))
            }
            while case .binding(let prefix, let old)? = stack.last {
                stack.removeLast()
                ns[prefix] = old
            }
            t = .endElement(name)
        default:
            break
        }
        return t
    }

    private func translate(_ n: inout GoXMLName, isElementName: Bool) {
        if n.space == "xmlns" { return }
        if n.space.isEmpty && !isElementName { return }
        if n.space == "xml" {
            n.space = "http://www.w3.org/XML/1998/namespace"
        } else if n.space.isEmpty && n.local == "xmlns" {
            return
        }
        if let v = ns[n.space] { n.space = v }
    }

    private mutating func fail(_ e: BackendDecodingError) -> BackendDecodingError {
        failure = e
        return e
    }

    mutating func failWith(_ msg: String) -> BackendDecodingError { fail(syntaxError(msg)) }

    mutating func bumpLine(_ delta: Int) { line += delta }

    // MARK: - Raw tokens

    private mutating func rawToken() throws(BackendDecodingError) -> GoXMLToken? {
        if let failure { throw failure }
        if needClose {
            needClose = false
            return .endElement(toClose)
        }
        guard let b = getc() else { return nil }
        if b != UInt8(ascii: "<") {
            ungetc()
            return .charData(try text(quote: nil, cdata: false))
        }
        let c = try mustgetc()
        switch c {
        case UInt8(ascii: "/"):
            guard let name = try nsname() else { throw fail(syntaxError("expected element name after </")) }
            skipSpace()
            guard try mustgetc() == UInt8(ascii: ">") else {
                throw fail(syntaxError("invalid characters between </\(name.local) and >"))
            }
            return .endElement(name)
        case UInt8(ascii: "?"):
            return try processingInstruction()
        case UInt8(ascii: "!"):
            return try bangToken()
        default:
            ungetc()
            return try startElement()
        }
    }

    private mutating func processingInstruction() throws(BackendDecodingError) -> GoXMLToken {
        guard let target = try name() else { throw fail(syntaxError("expected target name after <?")) }
        skipSpace()
        let start = offset
        var b0: UInt8 = 0
        while true {
            let b = try mustgetc()
            if b0 == UInt8(ascii: "?") && b == UInt8(ascii: ">") { break }
            b0 = b
        }
        if target == "xml" {
            let content = String(decoding: bytes[start..<(offset - 2)], as: UTF8.self)
            let version = Self.procInstParam("version", content)
            if !version.isEmpty && version != "1.0" {
                throw fail(BackendDecodingError("xml: unsupported version \"\(version)\"; only version 1.0 is supported"))
            }
            let enc = Self.procInstParam("encoding", content)
            if !enc.isEmpty && enc.lowercased() != "utf-8" {
                guard let converted = XMLCharset.transcodeToUTF8(bytes[offset...], label: enc) else {
                    throw fail(BackendDecodingError("xml: opening charset \"\(enc)\": unsupported charset: \"\(enc)\""))
                }
                bytes.replaceSubrange(offset..., with: converted)
            }
        }
        return .procInst(target: target)
    }

    /// Go's `procInst`: the quoted value after `param=`, or "".
    static func procInstParam(_ param: String, _ s: String) -> String {
        let hay = Array(s.utf8), needle = Array((param + "=").utf8)
        guard hay.count >= needle.count else { return "" }
        var i = 0
        while i + needle.count <= hay.count, !hay[i..<(i + needle.count)].elementsEqual(needle) { i += 1 }
        i += needle.count
        guard i < hay.count, hay[i] == UInt8(ascii: "'") || hay[i] == UInt8(ascii: "\"") else { return "" }
        let quote = hay[i]
        guard let end = hay[(i + 1)...].firstIndex(of: quote) else { return "" }
        return String(decoding: hay[(i + 1)..<end], as: UTF8.self)
    }

    private mutating func bangToken() throws(BackendDecodingError) -> GoXMLToken {
        let b = try mustgetc()
        if b == UInt8(ascii: "-") {
            guard try mustgetc() == UInt8(ascii: "-") else {
                throw fail(syntaxError("invalid sequence <!- not part of <!--"))
            }
            var b0: UInt8 = 0, b1: UInt8 = 0
            while true {
                let c = try mustgetc()
                if b0 == UInt8(ascii: "-") && b1 == UInt8(ascii: "-") {
                    guard c == UInt8(ascii: ">") else {
                        throw fail(syntaxError("invalid sequence \"--\" not allowed in comments"))
                    }
                    return .comment
                }
                b0 = b1
                b1 = c
            }
        }
        if b == UInt8(ascii: "[") {
            for expected in "CDATA[".utf8 where try mustgetc() != expected {
                throw fail(syntaxError("invalid <![ sequence"))
            }
            return .charData(try text(quote: nil, cdata: true))
        }
        // A directive (<!DOCTYPE ...>): skipped, with Go's nesting and quoting rules.
        var inquote: UInt8 = 0
        var depth = 0
        var c = b
        while true {
            if inquote == 0 && c == UInt8(ascii: ">") && depth == 0 { return .directive }
            if c == inquote {
                inquote = 0
            } else if inquote != 0 {
            } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                inquote = c
            } else if c == UInt8(ascii: ">") {
                depth -= 1
            } else if c == UInt8(ascii: "<") {
                var isComment = true
                for expected in "!--".utf8 {
                    let d = try mustgetc()
                    if d != expected {
                        isComment = false
                        ungetc()
                        break
                    }
                }
                if isComment {
                    var b0: UInt8 = 0, b1: UInt8 = 0
                    while true {
                        let d = try mustgetc()
                        if b0 == UInt8(ascii: "-") && b1 == UInt8(ascii: "-") && d == UInt8(ascii: ">") { break }
                        b0 = b1
                        b1 = d
                    }
                } else {
                    depth += 1
                }
            }
            c = try mustgetc()
        }
    }

    private mutating func startElement() throws(BackendDecodingError) -> GoXMLToken {
        guard let name = try nsname() else { throw fail(syntaxError("expected element name after <")) }
        var attrs: [GoXMLAttr] = []
        var empty = false
        while true {
            skipSpace()
            let b = try mustgetc()
            if b == UInt8(ascii: "/") {
                guard try mustgetc() == UInt8(ascii: ">") else { throw fail(syntaxError("expected /> in element")) }
                empty = true
                break
            }
            if b == UInt8(ascii: ">") { break }
            ungetc()
            guard let attrName = try nsname() else { throw fail(syntaxError("expected attribute name in element")) }
            skipSpace()
            let eq = try mustgetc()
            if eq != UInt8(ascii: "=") {
                guard !strict else { throw fail(syntaxError("attribute name without = in element")) }
                ungetc()
                attrs.append(GoXMLAttr(name: attrName, value: attrName.local))
            } else {
                skipSpace()
                attrs.append(GoXMLAttr(name: attrName, value: try attributeValue()))
            }
        }
        if empty {
            needClose = true
            toClose = name
        }
        return .startElement(name, attrs)
    }

    private mutating func attributeValue() throws(BackendDecodingError) -> String {
        let b = try mustgetc()
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
            return try text(quote: b, cdata: false)
        }
        guard !strict else { throw fail(syntaxError("unquoted or missing attribute value in element")) }
        ungetc()
        let start = offset
        while true {
            let c = try mustgetc()
            if !(Self.isAlnum(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || c == UInt8(ascii: "-")) {
                ungetc()
                break
            }
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }
}
