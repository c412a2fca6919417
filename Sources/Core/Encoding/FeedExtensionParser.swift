// gofeed's extension elements (`internal/shared/extparser.go` and the
// `extensions` package): any namespaced element outside RSS/RDF/content is kept
// as an `Extension` tree under its namespace prefix, and the Dublin Core and
// iTunes ones are also read into `dcExt` / `itunesExt`.

enum FeedExtensionParser {
    /// gofeed `ParseExtension`: adds the current element to `extensions`.
    static func parse(into extensions: inout FeedExtensions, _ p: inout FeedPullParser) throws(BackendDecodingError) {
        let prefix = prefixForNamespace(p.space, p)
        let element = try parseElement(&p)
        extensions[prefix, default: [:]][p.name, default: []].append(element)
    }

    private static func parseElement(_ p: inout FeedPullParser) throws(BackendDecodingError) -> FeedExtension {
        try p.expect(.startTag, "*")
        var e = FeedExtension(name: p.name)
        for attr in p.attrs { e.attrs[attr.name.local] = attr.value }
        while true {
            let t = try p.next()
            if t == .endTag { break }
            if t == .startTag {
                let child = try parseElement(&p)
                e.children[child.name, default: []].append(child)
            } else if t == .text {
                e.value += p.text
            } else if t == .endDocument {
                throw BackendDecodingError("unexpected end of document")
            }
        }
        e.value = FeedPullParser.goTrimSpace(e.value)
        try p.expect(.endTag, e.name)
        return e
    }

    static func prefixForNamespace(_ space: String, _ p: FeedPullParser) -> String {
        canonicalNamespaces[space] ?? p.spaces[space] ?? space
    }

    // MARK: - Dublin Core and iTunes

    static func values(_ name: String, _ elements: [String: [FeedExtension]]?) -> [String]? {
        guard let matches = elements?[name], !matches.isEmpty else { return nil }
        return matches.map(\.value)
    }

    static func text(_ name: String, _ elements: [String: [FeedExtension]]?) -> String {
        elements?[name]?.first?.value ?? ""
    }

    private static let dublinCoreNames = [
        "title", "creator", "author", "subject", "description", "publisher", "contributor", "date",
        "type", "format", "identifier", "source", "language", "relation", "coverage", "rights",
    ]

    /// `ext.DublinCoreExtension` as JSON.
    static func dublinCoreJSON(_ dc: [String: [FeedExtension]]) -> Value {
        var o = OmitEmptyJSON()
        for name in dublinCoreNames { o.strings(name, values(name, dc)) }
        return o.value
    }

    static func iTunesImage(_ it: [String: [FeedExtension]]?) -> String {
        it?["image"]?.first?.attrs["href"] ?? ""
    }

    /// `ext.ITunesFeedExtension` as JSON.
    static func iTunesFeedJSON(_ it: [String: [FeedExtension]]) -> Value {
        var o = OmitEmptyJSON()
        o.string("author", text("author", it))
        o.string("block", text("block", it))
        if let cats = iTunesCategories(it), !cats.isEmpty {
            o.set("categories", .array(cats.map { c in
                var f = OmitEmptyJSON()
                f.string("text", c.text)
                if let sub = c.subcategory {
                    var s = OmitEmptyJSON()
                    s.string("text", sub)
                    f.set("subcategory", s.value)
                }
                return f.value
            }))
        }
        o.string("explicit", text("explicit", it))
        o.string("keywords", text("keywords", it))
        if let owner = it["owner"]?.first {
            var f = OmitEmptyJSON()
            f.string("email", owner.children["email"]?.first?.value ?? "")
            f.string("name", owner.children["name"]?.first?.value ?? "")
            o.set("owner", f.value)
        }
        o.string("subtitle", text("subtitle", it))
        o.string("summary", text("summary", it))
        o.string("image", iTunesImage(it))
        o.string("complete", text("complete", it))
        o.string("newFeedUrl", text("new-feed-url", it))
        o.string("type", text("type", it))
        return o.value
    }

    /// `ext.ITunesItemExtension` as JSON.
    static func iTunesItemJSON(_ it: [String: [FeedExtension]]) -> Value {
        var o = OmitEmptyJSON()
        for (key, name) in [("author", "author"), ("block", "block"), ("duration", "duration"), ("explicit", "explicit"),
                            ("keywords", "keywords"), ("subtitle", "subtitle"), ("summary", "summary")] {
            o.string(key, text(name, it))
        }
        o.string("image", iTunesImage(it))
        for name in ["isClosedCaptioned", "episode", "season", "order", "episodeType"] { o.string(name, text(name, it)) }
        return o.value
    }

    /// iTunes categories: `text` attribute and the first subcategory's.
    static func iTunesCategories(_ it: [String: [FeedExtension]]?) -> [(text: String, subcategory: String?)]? {
        guard let matches = it?["category"], !matches.isEmpty else { return nil }
        return matches.map { cat in
            let sub = cat.children["category"].map { $0[0].attrs["text"] ?? "" }
            return (cat.attrs["text"] ?? "", sub)
        }
    }

    private static let canonicalNamespaces: [String: String] = [
        "http://webns.net/mvcb/": "admin",
        "http://purl.org/rss/1.0/modules/aggregation/": "ag",
        "http://purl.org/rss/1.0/modules/annotate/": "annotate",
        "http://media.tangent.org/rss/1.0/": "audio",
        "http://backend.userland.com/blogChannelModule": "blogChannel",
        "http://creativecommons.org/ns#license": "cc",
        "http://web.resource.org/cc/": "cc",
        "http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html": "creativeCommons",
        "http://backend.userland.com/creativeCommonsRssModule": "creativeCommons",
        "http://purl.org/rss/1.0/modules/company": "co",
        "http://purl.org/rss/1.0/modules/content/": "content",
        "http://my.theinfo.org/changed/1.0/rss/": "cp",
        "http://purl.org/dc/elements/1.1/": "dc",
        "http://purl.org/dc/terms/": "dcterms",
        "http://purl.org/rss/1.0/modules/email/": "email",
        "http://purl.org/rss/1.0/modules/event/": "ev",
        "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
        "http://freshmeat.net/rss/fm/": "fm",
        "http://xmlns.com/foaf/0.1/": "foaf",
        "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
        "http://www.georss.org/georss": "georss",
        "http://www.opengis.net/gml": "gml",
        "http://postneo.com/icbm/": "icbm",
        "http://purl.org/rss/1.0/modules/image/": "image",
        "http://www.itunes.com/DTDs/PodCast-1.0.dtd": "itunes",
        "http://example.com/DTDs/PodCast-1.0.dtd": "itunes",
        "http://purl.org/rss/1.0/modules/link/": "l",
        "http://search.yahoo.com/mrss": "media",
        "http://search.yahoo.com/mrss/": "media",
        "http://madskills.com/public/xml/rss/module/pingback/": "pingback",
        "http://prismstandard.org/namespaces/1.2/basic/": "prism",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
        "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
        "http://purl.org/rss/1.0/modules/reference/": "ref",
        "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
        "http://purl.org/rss/1.0/modules/search/": "search",
        "http://purl.org/rss/1.0/modules/slash/": "slash",
        "http://schemas.xmlsoap.org/soap/envelope/": "soap",
        "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
        "http://hacks.benhammersley.com/rss/streaming/": "str",
        "http://purl.org/rss/1.0/modules/subscription/": "sub",
        "http://purl.org/rss/1.0/modules/syndication/": "sy",
        "http://schemas.pocketsoap.com/rss/myDescModule/": "szf",
        "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
        "http://purl.org/rss/1.0/modules/threading/": "thr",
        "http://purl.org/rss/1.0/modules/textinput/": "ti",
        "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
        "http://wellformedweb.org/commentAPI/": "wfw",
        "http://purl.org/rss/1.0/modules/wiki/": "wiki",
        "http://www.w3.org/1999/xhtml": "xhtml",
        "http://www.w3.org/1999/xlink": "xlink",
        "http://www.w3.org/XML/1998/namespace": "xml",
        "http://podlove.org/simple-chapters": "psc",
    ]
}
