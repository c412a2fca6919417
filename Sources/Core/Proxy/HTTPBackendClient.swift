import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// The pooled HTTP client every HTTP backend shares: keep-alive connections
/// per host, HTTP/2 where the backend offers it over TLS, gzip decompressed.
public final class HTTPBackendClient: Sendable {
    public let client: HTTPClient
    let followRedirects: Int = 10

    public init(settings: HTTPClientSettings, eventLoopGroup: EventLoopGroup) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow  // followed here, with Go's Referer rules
        configuration.decompression = .enabled(limit: .ratio(200))
        configuration.connectionPool = .init(
            idleTimeout: settings.idleConnectionTimeout > .zero ? TimeAmount(settings.idleConnectionTimeout) : .seconds(90),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, settings.maxIdleConnectionsPerHost))
        // As Go's transport: a refused connection fails the call at once instead
        // of being retried with back-off until the endpoint's deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        if settings.dialerTimeout > .zero {
            configuration.timeout.connect = TimeAmount(settings.dialerTimeout)
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if settings.allowInsecureConnections { tls.certificateVerification = .none }
        if !settings.caCerts.isEmpty {
            tls.trustRoots = .certificates(settings.caCerts.flatMap { (try? NIOSSLCertificate.fromPEMFile($0)) ?? [] })
        }
        configuration.tlsConfiguration = tls
        configuration.httpVersion = .automatic
        self.client = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: configuration)
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Sends a request and follows redirects as Go's client does: at most 10,
    /// 301/302/303 become GET without a body (HEAD stays HEAD), 307/308 keep
    /// the method and body, and each hop sends the previous URL as `Referer`.
    public func execute(_ request: HTTPClientRequest, deadline: NIODeadline, followRedirects: Bool) async throws -> HTTPClientResponse {
        var request = request
        var hops = 0
        while true {
            let response = try await client.execute(request, deadline: deadline)
            guard followRedirects, [301, 302, 303, 307, 308].contains(response.status.code),
                  let location = response.headers.first(name: "Location"), hops < self.followRedirects
            else { return response }
            hops += 1
            // Drain what is left of the redirect's body so its connection is reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let previous = request.url
            request.url = Self.resolve(location, against: previous)
            if [301, 302, 303].contains(response.status.code) {
                if request.method != .HEAD { request.method = .GET }
                request.body = nil
                request.headers.remove(name: "Content-Length")
                request.headers.remove(name: "Content-Type")
            }
            request.headers.replaceOrAdd(name: "Referer", value: previous)
        }
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
