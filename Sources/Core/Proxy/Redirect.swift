import NIOHTTP1

/// Go's client rules for following a backend redirect, for every backend
/// call: at most 10 hops; 301/302/303 become GET without a body (HEAD stays
/// HEAD), 307/308 keep method and body; each hop sends the previous URL as
/// `Referer`.
struct Redirect {
    static let maxHops = 10

    /// The next URL, absolute.
    let url: String
    let method: HTTPMethod
    /// The body is not sent again (301/302/303).
    let dropsBody: Bool

    /// The next hop for an answer, or `nil` when the answer is the final one.
    init?(_ head: HTTPResponseHead, from url: String, method: HTTPMethod) {
        let code = head.status.code
        guard [301, 302, 303, 307, 308].contains(code), let location = head.headers.first(name: "Location") else { return nil }
        self.url = Self.resolve(location, against: url)
        dropsBody = code <= 303
        self.method = dropsBody && method != .HEAD ? .GET : method
    }

    /// The headers of the next hop.
    func headers(_ headers: HTTPHeaders, previous: String) -> HTTPHeaders {
        var next = headers
        if dropsBody {
            next.remove(name: "Content-Length")
            next.remove(name: "Content-Type")
        }
        next.replaceOrAdd(name: "Referer", value: previous)
        return next
    }

    /// A `Location` value made absolute against the URL that answered with it.
    static func resolve(_ location: String, against base: String) -> String {
        if location.contains("://") { return location }
        guard let schemeEnd = base.range(of: "://") else { return location }
        let afterScheme = base[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let origin = String(base[..<authorityEnd])
        if location.hasPrefix("//") { return String(base[..<schemeEnd.lowerBound]) + ":" + location }
        if location.hasPrefix("/") { return origin + location }
        // Relative to the directory of the current path.
        let path = afterScheme[authorityEnd...].split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        let directory = path.hasSuffix("/") ? path : String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) + "/"
        return origin + directory + location
    }
}
