// KrakenD's output encodings (`output_encoding` of an endpoint): the content
// type and body it sends for a merged response, as Lura's gin renders and
// krakend-xml write them.
//
// | encoding        | Content-Type                      | body                                   |
// |-----------------|-----------------------------------|----------------------------------------|
// | json (default)  | application/json; charset=utf-8   | the object; `{}` without a response    |
// | json-collection | application/json; charset=utf-8   | `collection` member; `[]` without one  |
// | xml             | application/xml                   | mxj's XML (`<doc>` root unless 1 key)  |
// | yaml            | application/yaml; charset=utf-8   | goccy/go-yaml                           |
// | string          | text/plain; charset=utf-8         | `content` member if a string, else ""  |
// | negotiate       | by `Accept`, as gin's NegotiateFormat: json, xml or (text/plain) yaml |
//
// `no-op` is not rendered: the pipe streams the backend response instead.
// Unknown encodings render JSON, as in KrakenD.

public enum ResponseRendering {
    public static let jsonContentType = "application/json; charset=utf-8"
    public static let xmlContentType = "application/xml"
    public static let yamlContentType = "application/yaml; charset=utf-8"
    public static let textContentType = "text/plain; charset=utf-8"

    /// Renders a response for `encoding`. `value` is the merged response data
    /// (an object); `.null` stands for "no response" and renders each
    /// encoding's empty form. `accept` is the request's first `Accept` header
    /// value, used by `negotiate` only.
    public static func render(_ value: Value, encoding: String, accept: String?) -> (contentType: String, body: [UInt8]) {
        switch encoding {
        case "negotiate":
            return render(value, encoding: negotiatedEncoding(accept: accept), accept: nil)
        case "xml":
            guard case .object(let object) = value else {
                // gin's c.XML(status, nil): its own content type, no body.
                return ("application/xml; charset=utf-8", [])
            }
            return (xmlContentType, XMLMapEncoder.encode(object) ?? [])
        case "yaml":
            return (yamlContentType, YAMLRenderer.render(value.isNull ? .object([:]) : value))
        case "string":
            if case .string(let s)? = value["content"] { return (textContentType, Array(s.utf8)) }
            return (textContentType, [])
        case "json-collection":
            guard let collection = value["collection"] else { return (jsonContentType, Array("[]".utf8)) }
            return (jsonContentType, collection.jsonBytes)
        default:
            return (jsonContentType, value.isNull ? Array("{}".utf8) : value.jsonBytes)
        }
    }

    /// The encoding `negotiate` picks for an `Accept` value: gin's
    /// `NegotiateFormat(application/json, text/plain, application/xml)`.
    /// Media ranges are tried in header order (q-values are ignored), each
    /// matching an offer it is a prefix of, or up to a `*`; no match is JSON.
    public static func negotiatedEncoding(accept: String?) -> String {
        let offers = [("application/json", "json"), ("text/plain", "yaml"), ("application/xml", "xml")]
        for part in (accept ?? "").split(separator: ",", omittingEmptySubsequences: false) {
            var range = Substring(part)
            if let semicolon = range.firstIndex(of: ";"), semicolon != range.startIndex {
                range = range[..<semicolon]
            }
            let accepted = Array(range.trimmingGoSpace().utf8)
            if accepted.isEmpty { continue }
            for (offer, encoding) in offers {
                let o = Array(offer.utf8)
                var i = 0
                while i < accepted.count && i < o.count {
                    if accepted[i] == UInt8(ascii: "*") || o[i] == UInt8(ascii: "*") { return encoding }
                    if accepted[i] != o[i] { break }
                    i += 1
                }
                if i == accepted.count { return encoding }
            }
        }
        return "json"
    }

    /// The render KrakenD picks for an endpoint: its `output_encoding` when it
    /// is one KrakenD renders, else (with a single backend) the backend's
    /// `encoding` when that is renderable too, else JSON.
    public static func effectiveEncoding(outputEncoding: String?, backendEncodings: [String]) -> String {
        let renderable: Set<String> = ["json", "json-collection", "xml", "yaml", "string", "negotiate", "no-op"]
        var fallback = "json"
        if backendEncodings.count == 1, renderable.contains(backendEncodings[0]) { fallback = backendEncodings[0] }
        guard let out = outputEncoding, !out.isEmpty else { return fallback }
        return renderable.contains(out) ? out : fallback
    }
}

private extension Substring {
    /// Go's `strings.TrimSpace` for the ASCII spaces a header can hold.
    func trimmingGoSpace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" || f == "\u{0B}" || f == "\u{0C}" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" || l == "\u{0B}" || l == "\u{0C}" { s.removeLast() }
        return s
    }
}
