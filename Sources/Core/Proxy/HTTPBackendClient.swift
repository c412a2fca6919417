import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// The pooled HTTP client every HTTP backend shares: keep-alive connections
/// per host, HTTP/2 where the backend offers it over TLS, gzip decompressed.
public final class HTTPBackendClient: Sendable {
    /// Streams (no-op) and HTTPS backends.
    public let client: HTTPClient
    /// Plain-HTTP backends read whole: the fast path, on the caller's event loop.
    let pool: HTTP1ConnectionPool
    let group: EventLoopGroup

    public init(settings: HTTPClientSettings, eventLoopGroup: EventLoopGroup) throws(ConfigError) {
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
        configuration.tlsConfiguration = try settings.makeTLSConfiguration()
        configuration.httpVersion = .automatic
        self.client = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: configuration)
        self.pool = HTTP1ConnectionPool(group: eventLoopGroup, settings: settings)
        self.group = eventLoopGroup
    }

    public func shutdown() async {
        await pool.shutdown()
        try? await client.shutdown()
    }

    /// A backend request whose answer is read whole.
    public struct Fetch: Sendable {
        public var method: HTTPMethod
        public var url: String
        public var headers: HTTPHeaders
        public var body: ByteBuffer?
        /// Send the body chunked, without `Content-Length` (as KrakenD forwards bodies).
        public var chunked: Bool
    }

    /// Sends a request and reads the whole answer, following redirects by
    /// `Redirect`'s rules. Plain HTTP goes through the pool on `loop` itself
    /// (no thread hop), HTTPS through AsyncHTTPClient.
    public func fetch(_ fetch: Fetch, deadline: NIODeadline, followRedirects: Bool, on loop: EventLoop, hops: Int = 0) -> EventLoopFuture<HTTP1Response> {
        let answer = fetchOnce(fetch, deadline: deadline, on: loop)
        guard followRedirects, hops < Redirect.maxHops else { return answer }
        // One promise, where `flatMap` would add a future for every answer that is not a redirect.
        let final = loop.makePromise(of: HTTP1Response.self)
        answer.whenComplete { result in
            guard case .success(let response) = result, let redirect = Redirect(response.head, from: fetch.url, method: fetch.method) else {
                final.completeWith(result)
                return
            }
            var next = fetch
            next.url = redirect.url
            next.method = redirect.method
            next.headers = redirect.headers(fetch.headers, previous: fetch.url)
            if redirect.dropsBody {
                next.body = nil
                next.chunked = false
            }
            final.completeWith(self.fetch(next, deadline: deadline, followRedirects: followRedirects, on: loop, hops: hops + 1))
        }
        return final.futureResult
    }

    private func fetchOnce(_ fetch: Fetch, deadline: NIODeadline, on loop: EventLoop) -> EventLoopFuture<HTTP1Response> {
        guard let url = BackendURL(fetch.url) else {
            return loop.makeFailedFuture(HTTP1ClientError(description: "invalid URL \(fetch.url)", beforeResponse: true))
        }
        if url.scheme == "http" {
            var head = HTTPRequestHead(version: .http1_1, method: fetch.method, uri: url.target, headers: fetch.headers)
            head.headers.set("Host", url.hostHeader)
            let hasBody = (fetch.body?.readableBytes ?? 0) > 0
            if hasBody && fetch.chunked {
                head.headers.remove(name: "Content-Length")
                head.headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
            } else if let body = fetch.body {
                head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
            }
            return pool.execute(HTTP1Request(host: url.host, port: url.port, head: head, body: fetch.body), deadline: deadline, on: loop)
        }
        let promise = loop.makePromise(of: HTTP1Response.self)
        promise.completeWithTask {
            var request = HTTPClientRequest(url: fetch.url)
            request.method = fetch.method
            request.headers = fetch.headers
            if let body = fetch.body {
                request.body = fetch.chunked && body.readableBytes > 0 ? .stream(SingleChunk(buffer: body), length: .unknown) : .bytes(body)
            }
            let response = try await self.client.execute(request, deadline: deadline)
            let body = try await response.body.collect(upTo: 64 << 20)
            return HTTP1Response(head: HTTPResponseHead(version: .http1_1, status: response.status, headers: response.headers), body: body)
        }
        return promise.futureResult
    }
}

/// A body sent chunked (no Content-Length), as Go sends a body of unknown length.
struct SingleChunk: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let buffer: ByteBuffer
    struct AsyncIterator: AsyncIteratorProtocol {
        var buffer: ByteBuffer?
        mutating func next() async -> ByteBuffer? { defer { buffer = nil }; return buffer }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
}

extension HTTPClientSettings {
    /// How backends' certificates are checked (`client_tls`): the system's
    /// roots or `ca_certs`, or nothing with `allow_insecure_connections`. A
    /// `ca_certs` file that cannot be read as PEM certificates is an error
    /// (with its path), not a silently smaller set of trusted roots.
    public func makeTLSConfiguration() throws(ConfigError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if allowInsecureConnections { tls.certificateVerification = .none }
        if !caCerts.isEmpty {
            var roots: [NIOSSLCertificate] = []
            var problems: [ConfigProblem] = []
            for (index, file) in caCerts.enumerated() {
                do {
                    let certificates = try NIOSSLCertificate.fromPEMFile(file)
                    if certificates.isEmpty { throw NIOSSLError.failedToLoadCertificate }
                    roots += certificates
                } catch {
                    problems.append(ConfigProblem(path: "client_tls.ca_certs[\(index)]", message: "cannot read certificates from \(file): \(error)"))
                }
            }
            if !problems.isEmpty { throw ConfigError(problems) }
            tls.trustRoots = .certificates(roots)
        }
        return tls
    }
}
