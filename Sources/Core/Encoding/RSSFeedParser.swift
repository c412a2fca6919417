// gofeed's RSS parser (`rss/parser.go`): RSS 0.9x, 1.0 (RDF) and 2.0, with
// element names matched case-insensitively and text read by `ParseText`.
// Elements an item does not know become `custom` entries (lower-cased name);
// elements the channel does not know are skipped.

struct RSSFeed {
    var title = "", link = "", description = "", language = "", copyright = ""
    var managingEditor = "", webMaster = "", generator = ""
    var pubDate = "", lastBuildDate = ""
    var pubDateParsed: GoTime?, lastBuildDateParsed: GoTime?
    var categories: [String]?
    var imageTitle: String?, imageURL: String?
    var items: [RSSItem] = []
    var extensions: FeedExtensions = [:]
}

struct RSSItem {
    var title = "", description = "", content = "", link = "", author = "", pubDate = ""
    var pubDateParsed: GoTime?
    var enclosure: FeedEnclosure?
    var guid: String?
    var categories: [String]?
    var extensions: FeedExtensions = [:]
    var custom: [String: String]?
}

enum RSSFeedParser {
    static func parse(_ bytes: [UInt8]) throws(BackendDecodingError) -> RSSFeed {
        var p = FeedPullParser(bytes)
        try p.findRoot()
        let isRSS = p.name.lowercased() == "rss", isRDF = p.name.lowercased() == "rdf"
        guard p.event == .startTag, isRSS || isRDF else { throw BackendDecodingError("Expected rss or rdf root element") }
        var channel: RSSFeed?
        var items: [RSSItem] = []
        var image: (title: String, url: String)?
        while true {
            let t = try p.nextTag()
            if t == .endTag { break }
            if p.isExtension {
                try p.skip()
                continue
            }
            switch p.name.lowercased() {
            case "channel": channel = try parseChannel(&p)
            case "item": items.append(try parseItem(&p))
            case "image": image = try parseImage(&p)
            default: try p.skip()
            }
        }
        guard ["rss", "rdf"].contains(p.name.lowercased()) else {
            throw BackendDecodingError("Expected EndTag rss or rdf but got \(p.name)")
        }
        var feed = channel ?? RSSFeed()
        feed.items.append(contentsOf: items)
        if let image {
            feed.imageTitle = image.title
            feed.imageURL = image.url
        }
        return feed
    }

    private static func parseChannel(_ p: inout FeedPullParser) throws(BackendDecodingError) -> RSSFeed {
        var rss = RSSFeed()
        var categories: [String] = []
        while true {
            let t = try p.nextTag()
            if t == .endTag { break }
            if p.isExtension {
                try FeedExtensionParser.parse(into: &rss.extensions, &p)
                continue
            }
            switch p.name.lowercased() {
            case "title": rss.title = try FeedText.parseText(&p)
            case "description": rss.description = try FeedText.parseText(&p)
            case "link": rss.link = try FeedText.parseText(&p)
            case "language": rss.language = try FeedText.parseText(&p)
            case "copyright": rss.copyright = try FeedText.parseText(&p)
            case "managingeditor": rss.managingEditor = try FeedText.parseText(&p)
            case "webmaster": rss.webMaster = try FeedText.parseText(&p)
            case "generator": rss.generator = try FeedText.parseText(&p)
            case "pubdate":
                rss.pubDate = try FeedText.parseText(&p)
                rss.pubDateParsed = FeedDate.parse(rss.pubDate).map(FeedDate.utc)
            case "lastbuilddate":
                rss.lastBuildDate = try FeedText.parseText(&p)
                rss.lastBuildDateParsed = FeedDate.parse(rss.lastBuildDate).map(FeedDate.utc)
            case "docs", "ttl", "rating":
                _ = try FeedText.parseText(&p)
            case "skiphours", "skipdays", "textinput":
                try skipChildren(&p)
            case "cloud":
                _ = try p.nextTag()
                try p.expect(.endTag, "cloud")
            case "item": rss.items.append(try parseItem(&p))
            case "category": categories.append(try parseCategory(&p))
            case "image":
                let image = try parseImage(&p)
                rss.imageTitle = image.title
                rss.imageURL = image.url
            default: try p.skip()
            }
        }
        try p.expect(.endTag, "channel")
        if !categories.isEmpty { rss.categories = categories }
        return rss
    }

    private static func parseItem(_ p: inout FeedPullParser) throws(BackendDecodingError) -> RSSItem {
        var item = RSSItem()
        var categories: [String] = []
        while true {
            let t = try p.nextTag()
            if t == .endTag { break }
            if p.isExtension {
                try FeedExtensionParser.parse(into: &item.extensions, &p)
                continue
            }
            let name = p.name.lowercased()
            switch name {
            case "title": item.title = try FeedText.parseText(&p)
            case "description": item.description = try FeedText.parseText(&p)
            case "encoded":
                // Only content:encoded; any other namespace is left unread, as in gofeed.
                if p.spaces[FeedPullParser.goTrimSpace(p.space)] == "content" {
                    item.content = try FeedText.parseText(&p)
                }
            case "link": item.link = try FeedText.parseText(&p)
            case "author": item.author = try FeedText.parseText(&p)
            case "comments": _ = try FeedText.parseText(&p)
            case "pubdate":
                item.pubDate = try FeedText.parseText(&p)
                item.pubDateParsed = FeedDate.parse(item.pubDate).map(FeedDate.utc)
            case "source": _ = try FeedText.parseText(&p)
            case "enclosure":
                let enclosure = FeedEnclosure(url: p.attribute("url"), length: p.attribute("length"), type: p.attribute("type"))
                _ = try p.nextText()
                try p.expect(.endTag, "enclosure")
                item.enclosure = enclosure
            case "guid": item.guid = try FeedText.parseText(&p)
            case "category": categories.append(try parseCategory(&p))
            default:
                guard let text = try? FeedText.parseText(&p) else { continue }
                item.custom = item.custom ?? [:]
                item.custom![name] = text
            }
        }
        if !categories.isEmpty { item.categories = categories }
        try p.expect(.endTag, "item")
        return item
    }

    private static func parseCategory(_ p: inout FeedPullParser) throws(BackendDecodingError) -> String {
        let value = try FeedText.parseText(&p)
        try p.expect(.endTag, "category")
        return value
    }

    private static func parseImage(_ p: inout FeedPullParser) throws(BackendDecodingError) -> (title: String, url: String) {
        var image = (title: "", url: "")
        while true {
            let t = try p.nextTag()
            if t == .endTag { break }
            switch p.name.lowercased() {
            case "url": image.url = try FeedText.parseText(&p)
            case "title": image.title = try FeedText.parseText(&p)
            case "link", "width", "height", "description": _ = try FeedText.parseText(&p)
            default: try p.skip()
            }
        }
        try p.expect(.endTag, "image")
        return image
    }

    /// `textInput`, `skipHours`, `skipDays`: parsed by gofeed but unused by KrakenD.
    private static func skipChildren(_ p: inout FeedPullParser) throws(BackendDecodingError) {
        while try p.nextTag() != .endTag {
            _ = try FeedText.parseText(&p)
        }
    }
}
