// KrakenD's backend decoders that are not JSON (`encoding` in a backend):
// `xml` (clbanning/mxj), `rss` (mmcdole/gofeed) and `string`. Each turns a
// response body into the `[String: Value]` the proxy pipe merges, with the
// same keys, values and errors KrakenD produces. (`json` and `safejson` are
// `Value(json:)`, safejson wrapping an array as `collection` and a scalar as
// `content`; `no-op` never decodes.)

public enum BackendDecoding {
    /// `encoding: xml`: mxj's map of the document (see `XMLMapDecoder`).
    /// With `isCollection`, KrakenD wraps the map as `{"collection": map}`.
    public static func xml(_ bytes: some Collection<UInt8>, isCollection: Bool = false) throws(BackendDecodingError) -> [String: Value] {
        let map = try XMLMapDecoder.decode(Array(bytes))
        return isCollection ? ["collection": .object(map)] : map
    }

    /// `encoding: rss`: an RSS (0.9x, 1.0, 2.0), Atom or JSON feed as
    /// krakend-rss presents it: `items`, `author`, `categories`, `custom`,
    /// `copyright`, `description`, `type`, `language`, `title`, `published`,
    /// `updated`, and `img_url` when the feed has an image.
    public static func rss(_ bytes: some Collection<UInt8>) throws(BackendDecodingError) -> [String: Value] {
        try FeedDecoder.decode(Array(bytes))
    }

    /// `encoding: string`: the whole body as `{"content": body}`.
    public static func string(_ bytes: some Collection<UInt8>) -> [String: Value] {
        ["content": .string(String(decoding: Array(bytes), as: UTF8.self))]
    }
}
