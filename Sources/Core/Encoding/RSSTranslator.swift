// gofeed's `DefaultRSSTranslator`: RSS fields to the universal feed, falling
// back to Dublin Core and iTunes extensions the way gofeed does.

enum RSSTranslator {
    static func translate(_ rss: RSSFeed) -> UniversalFeed {
        let dc = rss.extensions["dc"], itunes = rss.extensions["itunes"]
        var feed = UniversalFeed(feedType: "rss")
        feed.title = !rss.title.isEmpty ? rss.title : first("title", dc)
        feed.description = rss.description
        feed.updated = !rss.lastBuildDate.isEmpty ? rss.lastBuildDate : first("date", dc)
        feed.published = rss.pubDate
        feed.author = author([nonEmpty(rss.managingEditor), nonEmpty(rss.webMaster), listed("author", dc),
                              listed("creator", dc), nonEmpty(FeedExtensionParser.text("author", itunes))])
        feed.language = !rss.language.isEmpty ? rss.language : first("language", dc)
        if let url = rss.imageURL {
            feed.imageURL = url
        } else if !FeedExtensionParser.iTunesImage(itunes).isEmpty {
            feed.imageURL = FeedExtensionParser.iTunesImage(itunes)
        }
        feed.copyright = !rss.copyright.isEmpty ? rss.copyright : first("rights", dc)
        var cats = rss.categories ?? []
        let keywords = FeedExtensionParser.text("keywords", itunes)
        if itunes != nil, !keywords.isEmpty { cats += keywords.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        for c in FeedExtensionParser.iTunesCategories(itunes) ?? [] {
            cats.append(c.text)
            if let sub = c.subcategory { cats.append(sub) }
        }
        cats += FeedExtensionParser.values("subject", dc) ?? []
        if !cats.isEmpty { feed.categories = cats }
        feed.items = rss.items.map(translate)
        return feed
    }

    private static func translate(_ rssItem: RSSItem) -> FeedItem {
        let dc = rssItem.extensions["dc"], itunes = rssItem.extensions["itunes"]
        var item = FeedItem()
        item.title = !rssItem.title.isEmpty ? rssItem.title : first("title", dc)
        item.description = !rssItem.description.isEmpty ? rssItem.description : first("description", dc)
        item.content = rssItem.content
        item.link = rssItem.link
        item.links = rssItem.link.isEmpty ? nil : [rssItem.link]
        if !rssItem.pubDate.isEmpty {
            item.published = rssItem.pubDate
        } else if dc?["date"] != nil {
            item.published = first("date", dc)
        }
        if let parsed = rssItem.pubDateParsed {
            item.publishedParsed = parsed
        } else if dc?["date"] != nil {
            item.publishedParsed = FeedDate.parse(first("date", dc))
        }
        item.author = author([nonEmpty(rssItem.author), listed("author", dc), listed("creator", dc),
                              nonEmpty(FeedExtensionParser.text("author", itunes))])
        item.authors = item.author.map { [$0] }
        item.guid = rssItem.guid ?? ""
        let image = FeedExtensionParser.iTunesImage(itunes)
        if !image.isEmpty { item.imageURL = image }
        var cats = rssItem.categories ?? []
        let keywords = FeedExtensionParser.text("keywords", itunes)
        if itunes != nil, !keywords.isEmpty { cats += keywords.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        cats += FeedExtensionParser.values("subject", dc) ?? []
        if !cats.isEmpty { item.categories = cats }
        item.enclosures = rssItem.enclosure.map { [$0] }
        if let dc { item.dublinCore = FeedExtensionParser.dublinCoreJSON(dc) }
        if let itunes { item.iTunes = FeedExtensionParser.iTunesItemJSON(itunes) }
        item.extensions = rssItem.extensions.isEmpty ? nil : rssItem.extensions
        item.custom = rssItem.custom
        return item
    }

    /// The first Dublin Core value of `name`, or "".
    private static func first(_ name: String, _ dc: [String: [FeedExtension]]?) -> String {
        FeedExtensionParser.values(name, dc)?.first ?? ""
    }

    private static func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }

    /// The first Dublin Core value of `name` when the element is present (even empty).
    private static func listed(_ name: String, _ dc: [String: [FeedExtension]]?) -> String? {
        FeedExtensionParser.values(name, dc)?.first
    }

    /// The first present candidate, parsed as "name (email)"; nil if none.
    private static func author(_ candidates: [String?]) -> FeedPerson? {
        guard let text = candidates.first(where: { $0 != nil }) ?? nil else { return nil }
        let (name, email) = FeedPeople.parseNameAddress(text)
        return FeedPerson(name: name, email: email)
    }
}
