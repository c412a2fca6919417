import NIOCore
import NIOHTTP1

/// Zero-trust forwarding: which client headers and query strings reach a
/// backend. Built once per endpoint (and narrowed per backend) at start-up.
public struct ParameterForwarding: Sendable {
    /// `nil` means every one (`"*"`); otherwise lower-cased header names.
    let headers: Set<String>?
    /// `nil` means every one (`"*"`); otherwise exact, case-sensitive names.
    let queryStrings: Set<String>?

    /// The allowed names in canonical form, `Content-Type` always among them,
    /// never one the gateway owns or a hop-by-hop one.
    let allowedCanonical: [String]

    public init(inputHeaders: [String], inputQueryStrings: [String]) {
        self.init(headers: inputHeaders.contains("*") ? nil : Set(inputHeaders.map { $0.lowercased() }),
                  queryStrings: inputQueryStrings.contains("*") ? nil : Set(inputQueryStrings))
    }

    /// The backend's own lists filter what the endpoint already let through.
    public func narrowed(byHeaders backendHeaders: [String]?, queryStrings backendQuery: [String]?) -> ParameterForwarding {
        var copy = self
        if let backendHeaders, !backendHeaders.contains("*") {
            let mine = Set(backendHeaders.map { $0.lowercased() })
            copy = ParameterForwarding(headers: headers.map { $0.intersection(mine) } ?? mine, queryStrings: copy.queryStrings)
        }
        if let backendQuery, !backendQuery.contains("*") {
            let mine = Set(backendQuery)
            copy = ParameterForwarding(headers: copy.headers, queryStrings: queryStrings.map { $0.intersection(mine) } ?? mine)
        }
        return copy
    }

    private init(headers: Set<String>?, queryStrings: Set<String>?) {
        self.headers = headers
        self.queryStrings = queryStrings
        let names = (headers ?? []).union(["content-type"]).filter { !Self.hopByHop.contains($0) && !Self.gatewayOwned.contains($0) }
        self.allowedCanonical = names.sorted().map(CanonicalHeader.name)
    }

    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "host", "content-length", "http2-settings", "expect",
    ]
    static let gatewayOwned: Set<String> = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-via"]

    /// The headers a backend receives: the allowed client headers (in canonical
    /// form), `Content-Type`, and the ones the gateway always sets.
    public func backendHeaders(client: HTTPHeaders, clientIP: String?, host: String?, addAcceptEncoding: Bool) -> HTTPHeaders {
        var out = HTTPHeaders()
        out.reserveCapacity(8)  // with room for the Host and framing headers the request adds
        if headers == nil {
            for (name, value) in client where !Self.isHopByHopOrOwned(name) {
                out.add(name: CanonicalHeader.name(name), value: value)
            }
        } else {
            // Look the allowed names up (HTTPHeaders compares case-insensitively)
            // rather than lower-casing every client header.
            for name in allowedCanonical {
                for value in client[name] { out.add(name: name, value: value) }
            }
        }
        let userAgentPassed = out.contains(name: "user-agent")
        if let clientIP { out.add(name: "X-Forwarded-For", value: clientIP) }
        if let host, !host.isEmpty { out.add(name: "X-Forwarded-Host", value: host) }
        if userAgentPassed {
            out.add(name: "X-Forwarded-Via", value: GatewayVersion.userAgent)
        } else {
            out.add(name: "User-Agent", value: GatewayVersion.userAgent)
        }
        if addAcceptEncoding && !out.contains(name: "accept-encoding") { out.add(name: "Accept-Encoding", value: "gzip") }
        return out
    }

    /// Whether the endpoint lets this client header through (`input_headers`).
    public func allows(header name: String) -> Bool {
        headers?.contains(name.lowercased()) ?? true
    }

    static func isHopByHopOrOwned(_ name: String) -> Bool {
        let lower = name.lowercased()
        return hopByHop.contains(lower) || gatewayOwned.contains(lower)
    }

    /// The client query strings this backend may see.
    public func backendQuery(_ query: QueryString) -> QueryString {
        guard let queryStrings else { return query }
        return query.filtered { queryStrings.contains($0) }
    }
}

/// Go's `textproto.CanonicalMIMEHeaderKey`: `x-y-z` → `X-Y-Z`; names with
/// bytes that are not token characters are left as they are.
public enum CanonicalHeader {
    public static func name(_ name: String) -> String {
        var bytes = Array(name.utf8)
        var upper = true
        for i in bytes.indices {
            let c = bytes[i]
            guard isToken(c) else { return name }
            if upper, c >= 97, c <= 122 { bytes[i] = c - 32 } else if !upper, c >= 65, c <= 90 { bytes[i] = c + 32 }
            upper = c == UInt8(ascii: "-")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func isToken(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }
}
