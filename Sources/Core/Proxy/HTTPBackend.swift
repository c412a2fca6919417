import NIOCore
import NIOHTTP1
import Synchronization

/// One configured HTTP backend, ready to call: its URL pattern split, its
/// forwarding rules narrowed, its hosts balanced round-robin.
public final class HTTPBackend: Sendable {
    public let config: BackendConfig
    let pattern: URLPattern
    let forwarding: ParameterForwarding
    let client: HTTPBackendClient
    let addAcceptEncoding: Bool
    /// The protocol module that rewrites the request and judges the answer.
    let adapter: (any BackendAdapter)?
    private let nextHost = Atomic<Int>(0)

    public init(config: BackendConfig, endpointForwarding: ParameterForwarding, client: HTTPBackendClient, settings: HTTPClientSettings,
                adapter: (any BackendAdapter)? = nil) {
        self.config = config
        self.adapter = adapter
        self.pattern = URLPattern(config.urlPattern)
        self.forwarding = endpointForwarding.narrowed(byHeaders: config.inputHeaders, queryStrings: config.inputQueryStrings)
        self.client = client
        self.addAcceptEncoding = !settings.disableCompression
    }

    /// The next host of the list, in turn.
    func pickHost() -> String {
        let hosts = config.host
        if hosts.count == 1 { return hosts[0] }
        let n = nextHost.wrappingAdd(1, ordering: .relaxed).oldValue
        return hosts[(n & Int.max) % hosts.count]
    }

    /// The full URL for this request: placeholders filled, and the client's
    /// allowed query strings, which replace a hard-coded query when present.
    public func url(for context: RequestContext, extraParams: [String: String] = [:]) -> String {
        // Endpoint values arrive URL-encoded already; values taken from
        // responses (sequential) are escaped for where they land.
        var rendered = pattern.render { name, inQuery in
            context.params[name] ?? extraParams[name].map { URLPattern.escape($0, inQuery: inQuery) }
        }
        let query = forwarding.backendQuery(context.query)
        if !query.isEmpty {
            if let q = rendered.utf8.firstIndex(of: UInt8(ascii: "?")) { rendered = String(rendered[..<q]) }
            rendered += "?" + query.encoded()
        }
        return pickHost() + rendered
    }

    /// The request of a whole-body call, as the adapter (if any) rewrites it.
    public func makeFetch(for context: RequestContext, body: BackendBody, extraParams: [String: String] = [:]) throws(BackendCallError) -> HTTPBackendClient.Fetch {
        var fetch = HTTPBackendClient.Fetch(
            method: HTTPMethod(rawValue: config.method),
            url: url(for: context, extraParams: extraParams),
            headers: forwarding.backendHeaders(client: context.headers, clientIP: context.clientIP, host: context.host, addAcceptEncoding: addAcceptEncoding),
            body: body.buffer, chunked: body.chunked)
        try adapter?.adapt(&fetch, context: context, forwarding: forwarding)
        return fetch
    }
}

/// The body a regular endpoint forwards to each of its backends.
public struct BackendBody: Sendable {
    public var buffer: ByteBuffer?
    /// Sent without `Content-Length`, as KrakenD forwards a client's body.
    public var chunked: Bool

    public static let none = BackendBody(buffer: nil, chunked: false)
}
