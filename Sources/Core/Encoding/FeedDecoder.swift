// krakend-rss: gofeed's `Parser.Parse` (feed type detection, then the RSS,
// Atom or JSON Feed parser and translator) and the map KrakenD builds from
// the universal feed.

enum FeedDecoder {
    enum FeedType { case rss, atom, json }

    static func decode(_ bytes: [UInt8]) throws(BackendDecodingError) -> [String: Value] {
        switch detect(bytes) {
        case .rss?: return RSSTranslator.translate(try RSSFeedParser.parse(bytes)).response
        case .atom?: return try AtomFeedParser.parse(bytes).response
        case .json?: return try JSONFeedParser.parse(bytes).response
        case nil: throw BackendDecodingError("Failed to detect feed type")
        }
    }

    /// gofeed `DetectFeedType`: past whitespace and BOM bytes, `<` means XML
    /// (root `rss`/`rdf` or `feed`), `{` means JSON when it parses.
    static func detect(_ bytes: [UInt8]) -> FeedType? {
        guard let first = bytes.first(where: { ![0x20, 0x0D, 0x0A, 0x09, 0xFE, 0xFF, 0x00, 0xEF, 0xBB, 0xBF].contains($0) }) else {
            return nil
        }
        if first == UInt8(ascii: "{") {
            return (try? Value(json: bytes)) != nil ? .json : nil
        }
        guard first == UInt8(ascii: "<") else { return nil }
        let start = bytes.firstIndex(of: first)!
        var p = FeedPullParser(Array(bytes[start...]))
        guard (try? p.findRoot()) != nil else { return nil }
        switch p.name.lowercased() {
        case "rss", "rdf": return .rss
        case "feed": return .atom
        default: return nil
        }
    }
}
