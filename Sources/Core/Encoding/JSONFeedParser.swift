// gofeed's JSON Feed support (`json/parser.go` + `DefaultJSONTranslator`):
// the document is decoded into gofeed's struct (a member of the wrong JSON
// type fails the decode, as Go's encoding/json does) and translated.

enum JSONFeedParser {
    static func parse(_ bytes: [UInt8]) throws(BackendDecodingError) -> UniversalFeed {
        let root: Value
        do {
            root = try Value(json: bytes)
        } catch {
            throw BackendDecodingError(error.message)
        }
        guard case .object(let o) = root else { throw BackendDecodingError("json: cannot unmarshal \(root.typeName) into Go value of type json.Feed") }
        var feed = UniversalFeed(feedType: "json")
        feed.title = try string(o, "title")
        feed.description = try string(o, "description")
        feed.language = try string(o, "language")
        let icon = try string(o, "icon")
        if !icon.isEmpty { feed.imageURL = icon }
        if let author = try object(o, "author") {
            let (name, email) = FeedPeople.parseNameAddress(try string(author, "name"))
            feed.author = FeedPerson(name: name, email: email)
        }
        _ = try list(o, "authors")
        for key in ["version", "home_page_url", "feed_url", "user_comment", "next_url", "favicon"] { _ = try string(o, key) }
        let items = try list(o, "items") ?? []
        var raw: [[String: Value]] = []
        for element in items {
            if case .null = element { raw.append([:]); continue }
            guard case .object(let io) = element else { throw typeError("items", element) }
            raw.append(io)
        }
        feed.items = try raw.map(item)
        if let first = raw.first {
            feed.updated = try string(first, "date_modified")
            feed.published = try string(first, "date_published")
        }
        return feed
    }

    private static func item(_ o: [String: Value]) throws(BackendDecodingError) -> FeedItem {
        var item = FeedItem()
        item.guid = try string(o, "id")
        item.link = try string(o, "url")
        let external = try string(o, "external_url")
        let links = [item.link, external].filter { !$0.isEmpty }
        item.links = links.isEmpty ? nil : links
        item.title = try string(o, "title")
        let html = try string(o, "content_html"), text = try string(o, "content_text")
        item.content = !html.isEmpty ? html : text
        item.description = try string(o, "summary")
        let image = try string(o, "image"), banner = try string(o, "banner_image")
        if !image.isEmpty { item.imageURL = image } else if !banner.isEmpty { item.imageURL = banner }
        item.published = try string(o, "date_published")
        if !item.published.isEmpty { item.publishedParsed = FeedDate.parse(item.published) }
        item.updated = try string(o, "date_modified")
        if !item.updated.isEmpty { item.updatedParsed = FeedDate.parse(item.updated) }
        if let authors = try list(o, "authors") {
            item.authors = try authors.map { (a: Value) throws(BackendDecodingError) -> FeedPerson in
                var text = ""
                if case .object(let ao) = a { text = try string(ao, "name") }
                let (name, email) = FeedPeople.parseNameAddress(text)
                return FeedPerson(name: name, email: email)
            }
        }
        if let author = try object(o, "author") {
            let (name, email) = FeedPeople.parseNameAddress(try string(author, "name"))
            item.author = FeedPerson(name: name, email: email)
            if item.authors == nil { item.authors = [item.author!] }
        }
        if let tags = try list(o, "tags"), !tags.isEmpty {
            item.categories = try tags.map { (t: Value) throws(BackendDecodingError) -> String in
                guard case .string(let s) = t else { throw typeError("tags", t) }
                return s
            }
        }
        if let attachments = try list(o, "attachments") {
            item.enclosures = try attachments.map { (a: Value) throws(BackendDecodingError) -> FeedEnclosure in
                let ao = a.objectValue ?? [:]
                let duration = ao["duration_in_seconds"].flatMap { $0.intValue } ?? 0
                return FeedEnclosure(url: try string(ao, "url"), length: String(duration), type: try string(ao, "mime_type"))
            }
        }
        return item
    }

    private static func typeError(_ key: String, _ v: Value) -> BackendDecodingError {
        BackendDecodingError("json: cannot unmarshal \(v.typeName) into Go struct field of type for \(key)")
    }

    private static func string(_ o: [String: Value], _ key: String) throws(BackendDecodingError) -> String {
        switch o[key] {
        case nil, .null?: return ""
        case .string(let s)?: return s
        case let v?: throw typeError(key, v)
        }
    }

    private static func object(_ o: [String: Value], _ key: String) throws(BackendDecodingError) -> [String: Value]? {
        switch o[key] {
        case nil, .null?: return nil
        case .object(let m)?: return m
        case let v?: throw typeError(key, v)
        }
    }

    private static func list(_ o: [String: Value], _ key: String) throws(BackendDecodingError) -> [Value]? {
        switch o[key] {
        case nil, .null?: return nil
        case .array(let a)?: return a
        case let v?: throw typeError(key, v)
        }
    }
}
