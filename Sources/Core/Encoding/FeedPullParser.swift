// The pull parser gofeed reads feeds with: mmcdole/goxpp over Go's
// encoding/xml in non-strict mode, plus gofeed's `XMLBase.NextTag`/`FindRoot`
// and the `DecodeElement` + `,innerxml` trick its `ParseText` relies on.
//
// Kept as in goxpp, because feed values depend on it: the namespace map
// (`spaces`, URL to lower-cased prefix) is pushed per start tag and popped per
// end tag, except for elements consumed by `innerXML()`, whose map stays.
// Not kept: `xml:base` resolution of relative URLs (gofeed applies it to a few
// Atom attributes and elements; feeds without `xml:base` are unaffected).

struct FeedPullParser {
    enum Event: Equatable {
        case startDocument, endDocument, startTag, endTag, text, comment, processingInstruction, directive
    }

    private var decoder: GoXMLDecoder
    private(set) var event: Event = .startDocument
    private(set) var attrs: [GoXMLAttr] = []
    private(set) var name = ""
    private(set) var space = ""
    private(set) var text = ""
    /// Namespace URL to prefix, for the innermost element.
    private(set) var spaces: [String: String] = [:]
    private var spacesStack: [[String: String]] = []

    init(_ bytes: [UInt8]) {
        decoder = GoXMLDecoder(bytes, strict: false)
    }

    static func error(_ message: String) -> BackendDecodingError { BackendDecodingError(message) }

    mutating func nextToken() throws(BackendDecodingError) -> Event {
        attrs = []
        name = ""
        space = ""
        text = ""
        guard let token = try decoder.token() else {
            event = .endDocument
            return event
        }
        switch token {
        case .startElement(let n, let a):
            attrs = a
            name = n.local
            space = n.space
            var newSpaces = spaces
            for attr in a {
                if attr.name.space == "xmlns" {
                    newSpaces[Self.goTrimSpace(attr.value)] = Self.goTrimSpace(attr.name.local.lowercased())
                } else if attr.name.local == "xmlns" {
                    newSpaces[Self.goTrimSpace(attr.value)] = ""
                }
            }
            spaces = newSpaces
            spacesStack.append(newSpaces)
            event = .startTag
        case .endElement(let n):
            if !spacesStack.isEmpty { spacesStack.removeLast() }
            spaces = spacesStack.last ?? [:]
            name = n.local
            event = .endTag
        case .charData(let s):
            text = s
            event = .text
        case .comment:
            event = .comment
        case .procInst:
            event = .processingInstruction
        case .directive:
            event = .directive
        }
        return event
    }

    /// goxpp `Next`: the next start tag, end tag, text or end of document.
    mutating func next() throws(BackendDecodingError) -> Event {
        while true {
            let e = try nextToken()
            if e == .startTag || e == .endTag || e == .endDocument || e == .text { return e }
        }
    }

    /// gofeed `XMLBase.NextTag`: the next start or end tag; the document may not end first.
    mutating func nextTag() throws(BackendDecodingError) -> Event {
        while true {
            let e = try next()
            if e == .startTag || e == .endTag { return e }
            if e == .endDocument {
                throw Self.error("Failed to find NextTag before reaching the end of the document.")
            }
        }
    }

    /// gofeed `XMLBase.FindRoot`.
    mutating func findRoot() throws(BackendDecodingError) {
        while try nextTag() != .startTag {}
    }

    /// goxpp `Skip`: consumes the rest of the current element.
    mutating func skip() throws(BackendDecodingError) {
        var depth = 0
        while true {
            switch try nextToken() {
            case .startTag: depth += 1
            case .endTag:
                if depth == 0 { return }
                depth -= 1
            case .endDocument: throw Self.error("unexpected end of document")
            default: continue
            }
        }
    }

    /// goxpp `NextText`: the text of an element that has no child elements.
    mutating func nextText() throws(BackendDecodingError) -> String {
        guard event == .startTag else { throw Self.error("Parser must be on StartTag to get NextText()") }
        var t = try next()
        guard t == .endTag || t == .text else { throw Self.error("Parser must be on EndTag or Text to read text") }
        var result = ""
        while t == .text {
            result += text
            t = try next()
            guard t == .endTag || t == .text else {
                throw Self.error("Event Text must be immediately followed by EndTag or Text but got \(t)")
            }
        }
        return result
    }

    /// The raw bytes between the current start tag and its end tag (Go's
    /// `,innerxml` through goxpp `DecodeElement`); leaves the parser on the end tag.
    mutating func innerXML() throws(BackendDecodingError) -> [UInt8] {
        guard event == .startTag else { throw Self.error("DecodeElement can only be called from a StartTag event") }
        let element = name
        let start = decoder.offset
        var depth = 0
        var end = start
        loop: while true {
            let before = decoder.offset
            guard let token = try decoder.token() else { throw Self.error("unexpected EOF") }
            switch token {
            case .startElement: depth += 1
            case .endElement:
                if depth == 0 {
                    end = before
                    break loop
                }
                depth -= 1
            default: continue
            }
        }
        attrs = []
        space = ""
        text = ""
        name = element
        event = .endTag
        return Array(decoder.bytes[start..<end])
    }

    /// goxpp `Expect`: event and (case-insensitive) name, `*` for any name.
    func expect(_ e: Event, _ expected: String) throws(BackendDecodingError) {
        guard event == e, expected == "*" || name.lowercased() == expected.lowercased() else {
            throw Self.error("Expected Name:\(expected) Event:\(e) but got Name:\(name) Event:\(event)")
        }
    }

    /// The value of the first attribute with this local name, or "".
    func attribute(_ local: String) -> String {
        attrs.first { $0.name.local == local }?.value ?? ""
    }

    /// gofeed `shared.IsExtension`: a namespaced element outside RSS, RDF and content.
    var isExtension: Bool {
        if let prefix = spaces[Self.goTrimSpace(space)] {
            return !(prefix.isEmpty || prefix == "rss" || prefix == "rdf" || prefix == "content")
        }
        return !space.isEmpty
    }

    /// Go's `strings.TrimSpace`.
    static func goTrimSpace(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
