/// An absolute backend URL split for sending: `http://host:port/path?query`.
struct BackendURL: Sendable, Equatable {
    var scheme: String
    var host: String
    var port: Int
    /// Path and query, as the request line carries them.
    var target: String

    init?(_ url: String) {
        // Byte-wise: this runs for every backend request.
        let bytes = url.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let afterColon = bytes[colon...].dropFirst()
        guard afterColon.starts(with: "//".utf8) else { return nil }
        scheme = url[..<colon].lowercased()
        let rest = url[afterColon.dropFirst(2).startIndex...]
        let authorityEnd = rest.utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.utf8.lastIndex(of: UInt8(ascii: "@")) { authority = authority[authority.utf8.index(after: at)...] }
        target = String(rest[authorityEnd...])
        if target.isEmpty || target.utf8.first == UInt8(ascii: "?") { target = "/" + target }
        let defaultPort = scheme == "https" ? 443 : 80
        if authority.utf8.first == UInt8(ascii: "["), let close = authority.utf8.firstIndex(of: UInt8(ascii: "]")) {
            host = String(authority[authority.utf8.index(after: authority.startIndex)..<close])
            let after = authority[authority.utf8.index(after: close)...]
            port = after.utf8.first == UInt8(ascii: ":") ? Int(after.dropFirst()) ?? defaultPort : defaultPort
        } else if let colon = authority.utf8.lastIndex(of: UInt8(ascii: ":")) {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.utf8.index(after: colon)...]) else { return nil }
            port = p
        } else {
            host = String(authority)
            port = defaultPort
        }
        if host.isEmpty { return nil }
    }

    /// The `Host` header: the port only when it is not the scheme's default.
    var hostHeader: String {
        let h = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        return (scheme == "https" && port == 443) || (scheme == "http" && port == 80) ? h : "\(h):\(port)"
    }
}
