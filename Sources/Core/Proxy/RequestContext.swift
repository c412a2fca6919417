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

    /// An endpoint `{param}` as gin hands it to Lura: percent-decoded. The
    /// name's first letter matches either case, as Lura capitalises it.
    public func decodedParam(_ name: String) -> String? {
        let raw = params[name] ?? params.first { $0.key.capitalizedFirst == name.capitalizedFirst }?.value
        return raw.map { QueryString.unescape($0[...], plusIsSpace: false) ?? $0 }
    }

    /// A request that did not come as HTTP/1 (a gRPC call): its metadata as
    /// headers, its `{params}` already decoded.
    public init(method: String, path: String, headers: HTTPHeaders, params: [String: String], connection: ConnectionInfo) {
        self.method = method
        self.path = path[...]
        query = QueryString()
        self.headers = headers
        self.params = params
        clientIP = connection.clientIP
        host = headers.first(name: ":authority") ?? headers.first(name: "host")
    }

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
        clientIP = connection.clientIP
        host = head.headers.first(name: "host") ?? head.headers.first(name: ":authority")
    }
}

extension String {
    /// The first letter upper-cased, as Lura names endpoint parameters (`Id_user`).
    public var capitalizedFirst: String {
        guard let first = first else { return self }
        return first.uppercased() + dropFirst()
    }
}
