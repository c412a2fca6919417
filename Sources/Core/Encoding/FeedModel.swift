// gofeed's universal `Feed`/`Item` (v1.1.3, the version krakend-rss pins) and
// their JSON form, which is what KrakenD sends for the feed's items: Go's
// `encoding/json` with the structs' `omitempty` tags (empty strings, nil or
// empty lists and maps, and nil pointers are left out).

/// A gofeed extension element (`ext.Extension`); its JSON has no omitempty.
struct FeedExtension {
    var name = ""
    var value = ""
    var attrs: [String: String] = [:]
    var children: [String: [FeedExtension]] = [:]

    var json: Value {
        .object([
            "name": .string(name),
            "value": .string(value),
            "attrs": .object(attrs.mapValues(Value.string)),
            "children": .object(children.mapValues { .array($0.map(\.json)) }),
        ])
    }
}

/// Prefix, then element name, then the elements (`ext.Extensions`).
typealias FeedExtensions = [String: [String: [FeedExtension]]]

struct FeedPerson {
    var name = ""
    var email = ""

    var json: Value {
        var o = OmitEmptyJSON()
        o.string("name", name)
        o.string("email", email)
        return o.value
    }
}

struct FeedEnclosure {
    var url = ""
    var length = ""
    var type = ""
}

/// gofeed `Item`.
struct FeedItem {
    var title = "", description = "", content = "", link = ""
    var links: [String]?
    var updated = ""
    var updatedParsed: GoTime?
    var published = ""
    var publishedParsed: GoTime?
    var author: FeedPerson?
    var authors: [FeedPerson]?
    var guid = ""
    var imageURL: String?
    var categories: [String]?
    var enclosures: [FeedEnclosure]?
    var dublinCore: Value?
    var iTunes: Value?
    var extensions: FeedExtensions?
    var custom: [String: String]?

    var json: Value {
        var o = OmitEmptyJSON()
        o.string("title", title)
        o.string("description", description)
        o.string("content", content)
        o.string("link", link)
        o.strings("links", links)
        o.string("updated", updated)
        if let updatedParsed { o.set("updatedParsed", FeedDate.json(updatedParsed)) }
        o.string("published", published)
        if let publishedParsed { o.set("publishedParsed", FeedDate.json(publishedParsed)) }
        if let author { o.set("author", author.json) }
        if let authors, !authors.isEmpty { o.set("authors", .array(authors.map(\.json))) }
        o.string("guid", guid)
        if let imageURL {
            var image = OmitEmptyJSON()
            image.string("url", imageURL)
            o.set("image", image.value)
        }
        o.strings("categories", categories)
        if let enclosures, !enclosures.isEmpty {
            o.set("enclosures", .array(enclosures.map { e in
                var f = OmitEmptyJSON()
                f.string("url", e.url)
                f.string("length", e.length)
                f.string("type", e.type)
                return f.value
            }))
        }
        if let dublinCore { o.set("dcExt", dublinCore) }
        if let iTunes { o.set("itunesExt", iTunes) }
        if let extensions, !extensions.isEmpty { o.set("extensions", Self.json(extensions)) }
        if let custom, !custom.isEmpty { o.set("custom", .object(custom.mapValues(Value.string))) }
        return o.value
    }

    static func json(_ e: FeedExtensions) -> Value {
        .object(e.mapValues { names in .object(names.mapValues { .array($0.map(\.json)) }) })
    }
}

/// The parts of gofeed's universal `Feed` that krakend-rss puts in the response.
struct UniversalFeed {
    var title = "", description = "", language = "", copyright = ""
    var published = "", updated = ""
    var author: FeedPerson?
    var categories: [String]?
    var imageURL: String?
    var items: [FeedItem] = []
    var feedType = ""

    /// krakend-rss's response map (`custom` is never set by gofeed's translators).
    var response: [String: Value] {
        var r: [String: Value] = [
            "items": .array(items.map(\.json)),
            "author": author?.json ?? .null,
            "categories": categories.map { .array($0.map(Value.string)) } ?? .null,
            "custom": .null,
            "copyright": .string(copyright),
            "description": .string(description),
            "type": .string(feedType),
            "language": .string(language),
            "title": .string(title),
            "published": .string(published),
            "updated": .string(updated),
        ]
        if let imageURL { r["img_url"] = .string(imageURL) }
        return r
    }
}

/// Builds a JSON object the way `omitempty` fields marshal.
struct OmitEmptyJSON {
    private(set) var members: [String: Value] = [:]

    var value: Value { .object(members) }

    mutating func set(_ key: String, _ v: Value) { members[key] = v }

    mutating func string(_ key: String, _ s: String) {
        if !s.isEmpty { members[key] = .string(s) }
    }

    mutating func strings(_ key: String, _ list: [String]?) {
        if let list, !list.isEmpty { members[key] = .array(list.map(Value.string)) }
    }
}
