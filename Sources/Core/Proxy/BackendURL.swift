/// An absolute backend URL split for sending: `http://host:port/path?query`.
struct BackendURL: Sendable, Equatable {
    var scheme: String
    var host: String
    var port: Int
    /// Path and query, as the request line carries them.
    var target: String

    init?(_ url: String) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        target = String(rest[authorityEnd...])
        if target.isEmpty || target.first == "?" { target = "/" + target }
        let defaultPort = scheme == "https" ? 443 : 80
        if authority.first == "[", let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            port = after.first == ":" ? Int(after.dropFirst()) ?? defaultPort : defaultPort
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = p
        } else {
            host = String(authority)
            port = defaultPort
        }
        if host.isEmpty { return nil }
    }

    /// The `Host` header: the port only when it is not the scheme's default.
    var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return (scheme == "https" && port == 443) || (scheme == "http" && port == 80) ? h : "\(h):\(port)"
    }
}
