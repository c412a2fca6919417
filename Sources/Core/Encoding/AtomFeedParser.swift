// gofeed's Atom parser (`atom/parser.go`, Atom 0.3 and 1.0) and
// `DefaultAtomTranslator`, reduced to what the universal feed keeps.

struct AtomFeed {
    var title = "", subtitle = "", updated = "", language = "", logo = "", rights = ""
    var authors: [FeedPerson] = []
    var categories: [String]?
    var entries: [FeedItem] = []
}

enum AtomFeedParser {
    static func parse(_ bytes: [UInt8]) throws(BackendDecodingError) -> UniversalFeed {
        var p = FeedPullParser(bytes)
        try p.findRoot()
        try p.expect(.startTag, "feed")
        var atom = AtomFeed()
        atom.language = p.attribute("lang")
        var categories: [String] = []
        var extensions: FeedExtensions = [:]
        while true {
            let t = try p.nextTag()
            if t == .endTag { break }
            if p.isExtension {
                try FeedExtensionParser.parse(into: &extensions, &p)
                continue
            }
            switch p.name.lowercased() {
            case "title": atom.title = try text(&p)
            case "updated", "modified": atom.updated = try text(&p)
            case "subtitle", "tagline": atom.subtitle = try text(&p)
            case "logo": atom.logo = try text(&p)
            case "rights", "copyright": atom.rights = try text(&p)
            case "id", "icon": _ = try text(&p)
            case "generator": _ = try text(&p)
            case "link": _ = try link(&p)
            case "author": atom.authors.append(try person("author", &p))
            case "contributor": _ = try person("contributor", &p)
            case "category": categories.append(try category(&p))
            case "entry": atom.entries.append(try entry(&p))
            default: try p.skip()
            }
        }
        if !categories.isEmpty { atom.categories = categories }
        try p.expect(.endTag, "feed")

        var feed = UniversalFeed(feedType: "atom")
        feed.title = atom.title
        feed.description = atom.subtitle
        feed.updated = atom.updated
        feed.language = atom.language
        feed.copyright = atom.rights
        feed.categories = atom.categories
        if let a = atom.authors.first { feed.author = a }
        if !atom.logo.isEmpty { feed.imageURL = atom.logo }
        feed.items = atom.entries
        return feed
    }

    /// An `<entry>`, already translated to a universal item.
    private static func entry(_ p: inout FeedPullParser) throws(BackendDecodingError) -> FeedItem {
        var item = FeedItem()
        var authors: [FeedPerson] = [], categories: [String] = []
        var links: [(rel: String, href: String, type: String, length: String)] = []
        var extensions: FeedExtensions = [:]
        var published = ""
        var publishedParsed: GoTime?
        while true {
            let t = try p.nextTag()
            if t == .endTag { break }
            if p.isExtension {
                try FeedExtensionParser.parse(into: &extensions, &p)
                continue
            }
            switch p.name.lowercased() {
            case "title": item.title = try text(&p)
            case "id": item.guid = try text(&p)
            case "summary": item.description = try text(&p)
            case "rights", "copyright": _ = try text(&p)
            case "source": try p.skip()
            case "updated", "modified":
                item.updated = try text(&p)
                item.updatedParsed = FeedDate.parse(item.updated).map(FeedDate.utc)
            case "published", "issued":
                published = try text(&p)
                publishedParsed = FeedDate.parse(published).map(FeedDate.utc)
            case "author": authors.append(try person("author", &p))
            case "contributor": _ = try person("contributor", &p)
            case "category": categories.append(try category(&p))
            case "link": links.append(try link(&p))
            case "content": item.content = try text(&p)
            default: try p.skip()
            }
        }
        try p.expect(.endTag, "entry")
        item.link = links.first { $0.rel == "alternate" }?.href ?? ""
        let pageLinks = links.filter { $0.rel == "alternate" || $0.rel == "self" }.map(\.href)
        item.links = pageLinks.isEmpty ? nil : pageLinks
        item.published = published.isEmpty ? item.updated : published
        item.publishedParsed = publishedParsed ?? item.updatedParsed
        item.author = authors.first
        item.authors = authors.isEmpty ? nil : authors
        item.categories = categories.isEmpty ? nil : categories
        let enclosures = links.filter { $0.rel == "enclosure" }.map { FeedEnclosure(url: $0.href, length: $0.length, type: $0.type) }
        item.enclosures = enclosures.isEmpty ? nil : enclosures
        item.extensions = extensions.isEmpty ? nil : extensions
        return item
    }

    private static func person(_ name: String, _ p: inout FeedPullParser) throws(BackendDecodingError) -> FeedPerson {
        var person = FeedPerson()
        while true {
            let t = try p.nextTag()
            if t == .endTag { break }
            switch p.name.lowercased() {
            case "name": person.name = try text(&p)
            case "email": person.email = try text(&p)
            case "uri", "url", "homepage": _ = try text(&p)
            default: try p.skip()
            }
        }
        try p.expect(.endTag, name)
        return person
    }

    private static func link(_ p: inout FeedPullParser) throws(BackendDecodingError) -> (rel: String, href: String, type: String, length: String) {
        let rel = p.attribute("rel")
        let l = (rel: rel.isEmpty ? "alternate" : rel, href: p.attribute("href"), type: p.attribute("type"), length: p.attribute("length"))
        try p.skip()
        try p.expect(.endTag, "link")
        return l
    }

    private static func category(_ p: inout FeedPullParser) throws(BackendDecodingError) -> String {
        let term = p.attribute("term")
        try p.skip()
        try p.expect(.endTag, "category")
        return term
    }

    /// gofeed `parseAtomText`: by `type` (and Atom 0.3 `mode`): text and html
    /// are entity-decoded, xhtml keeps its markup, anything else is base64.
    private static func text(_ p: inout FeedPullParser) throws(BackendDecodingError) -> String {
        let type = p.attribute("type").lowercased(), mode = p.attribute("mode").lowercased()
        let inner = FeedText.trimSpace(try p.innerXML())
        if FeedText.contains(inner, FeedText.cdataStart) { return FeedText.string(FeedText.stripCDATA(inner)) }
        if type == "text" || type.hasPrefix("text/") || (type.isEmpty && mode.isEmpty) {
            return FeedText.string(FeedText.decodeEntities(inner[...]))
        }
        if type.contains("xhtml") { return FeedHTML.stripWrappingDiv(FeedText.string(inner)) }
        if type == "html" { return FeedText.string(FeedText.decodeEntities(Array(FeedHTML.stripWrappingDiv(FeedText.string(inner)).utf8)[...])) }
        return GoBase64.decode(FeedText.string(inner)).map { String(decoding: $0, as: UTF8.self) } ?? FeedText.string(inner)
    }
}
