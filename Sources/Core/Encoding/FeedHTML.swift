// gofeed's `stripWrappingDiv` for Atom html/xhtml text: goquery parses the
// content as HTML and, when the body's only element is a `<div>`, returns
// that div's children re-serialized by golang.org/x/net/html's `Render`
// (names lower-cased, attributes double-quoted, text and attribute values
// escaped as `&amp; &#39; &lt; &gt; &#34; &#13;`, void elements as `<br/>`).
// Content is read here as (well-formed) XML; HTML-only entities and the HTML
// parser's tree repairs are not reproduced.

enum FeedHTML {
    private static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    ]
    private static let rawTextElements: Set<String> = ["iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "xmp"]

    static func stripWrappingDiv(_ content: String) -> String {
        var decoder = GoXMLDecoder(Array(content.utf8), strict: false)
        var tokens: [GoXMLToken] = []
        var topLevelElements = 0
        var depth = 0
        var divRange: Range<Int>?
        var divStart = 0
        var isDiv = false
        do {
            while let t = try decoder.token() {
                switch t {
                case .startElement(let name, _):
                    if depth == 0 {
                        topLevelElements += 1
                        isDiv = name.local.lowercased() == "div"
                        divStart = tokens.count + 1
                    }
                    depth += 1
                case .endElement:
                    depth -= 1
                    if depth == 0 && isDiv { divRange = divStart..<tokens.count }
                default: break
                }
                tokens.append(t)
            }
        } catch {
            return content
        }
        guard topLevelElements == 1, let divRange else { return content }
        var out = ""
        var open: [String] = []
        for t in tokens[divRange] {
            switch t {
            case .startElement(let name, let attrs):
                let tag = name.local.lowercased()
                out += "<" + tag
                for a in attrs {
                    let key = (a.name.space == "xmlns" ? "xmlns:" : (a.name.space == "http://www.w3.org/XML/1998/namespace" ? "xml:" : ""))
                        + a.name.local.lowercased()
                    out += " " + key + "=\"" + escape(a.value) + "\""
                }
                out += voidElements.contains(tag) ? "/>" : ">"
                open.append(tag)
            case .endElement:
                let tag = open.removeLast()
                if !voidElements.contains(tag) { out += "</" + tag + ">" }
            case .charData(let text):
                out += open.last.map(rawTextElements.contains) == true ? text : escape(text)
            default:
                break
            }
        }
        return out
    }

    /// golang.org/x/net/html's `escape`.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "'": out += "&#39;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
