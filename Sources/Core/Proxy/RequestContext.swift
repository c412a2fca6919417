import NIOCore
import NIOHTTP1

/// What the backends of one request may use of it, computed once per request.
public struct RequestContext: Sendable {
    public var method: String
    public var path: Substring
    public var query: QueryString
    public var headers: HTTPHeaders
    public var params: [String: String]
    public var clientIP: String?
    public var host: String?

    public init(head: HTTPRequestHead, params: [(name: String, value: String)], connection: ConnectionInfo) {
        method = head.method.rawValue
        let uri = head.uri[...]
        if let q = uri.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = uri[..<q]
            query = QueryString(parsing: uri[uri.index(after: q)...])
        } else {
            path = uri
            query = QueryString()
        }
        headers = head.headers
        var p: [String: String] = [:]
        for (name, value) in params { p[name] = value }
        self.params = p
        clientIP = connection.remoteAddress?.ipAddress
        host = head.headers.first(name: "host") ?? head.headers.first(name: ":authority")
    }
}
