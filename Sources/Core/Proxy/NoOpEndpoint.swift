import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A `no-op` endpoint: the single backend's status, headers and body reach the
/// client as they are, streamed both ways without reading whole bodies.
final class NoOpEndpoint: Sendable {
    let backend: HTTPBackend
    let timeout: Duration
    let options: EndpointResponder
    let followRedirects: Bool

    /// Hop-by-hop headers belong to each connection, not to the response.
    static let connectionHeaders: Set<String> = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]

    init(backend: HTTPBackend, config: EndpointConfig, options: EndpointResponder) {
        self.backend = backend
        self.timeout = config.timeout
        self.options = options
        // Enterprise's backend/http/client `no_redirect` turns following off.
        let client = backend.config.extraConfig["backend/http/client"]
        self.followRedirects = client?["no_redirect"]?.boolValue != true
    }

    func run(_ request: IncomingRequest, params: [(name: String, value: String)], writer: ResponseWriter) async {
        let context = RequestContext(head: request.head, params: params, connection: request.connection)
        let contentLength = request.head.headers.first(name: "content-length").flatMap { Int($0) }
        let body: HTTPClientRequest.Body?
        switch request.body {
        case .buffered(let buffer):
            body = buffer.map { .bytes($0) } ?? (contentLength == 0 ? .bytes(ByteBuffer()) : nil)
        case .streamed(let stream):
            if contentLength == 0 {
                body = .bytes(ByteBuffer())
            } else if contentLength == nil && !request.connection.isHTTP2 && !request.head.headers.contains(name: "transfer-encoding") {
                body = nil  // an HTTP/1.1 request with neither length nor chunks has no body
            } else {
                body = .stream(stream, length: contentLength.map { .known(Int64($0)) } ?? .unknown)
            }
        }
        let backendRequest = backend.makeRequest(for: context, body: body)
        let response: HTTPClientResponse
        do {
            response = try await backend.client.execute(backendRequest, deadline: .now() + TimeAmount(timeout), followRedirects: followRedirects)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            options.respondError(writer, status: .internalServerError, message: "context deadline exceeded")
            return
        } catch {
            options.respondError(writer, status: .internalServerError, message: "\(backendRequest.method.rawValue) \(backendRequest.url): \(error)")
            return
        }

        var headers = HTTPHeaders()
        // The client decompressed a gzip body: its length and encoding no longer apply.
        let decompressed = response.headers.first(name: "content-encoding").map { ["gzip", "deflate"].contains($0.lowercased()) } ?? false
        for (name, value) in response.headers {
            let lower = name.lowercased()
            if Self.connectionHeaders.contains(lower) { continue }
            if decompressed && (lower == "content-encoding" || lower == "content-length") { continue }
            headers.add(name: name, value: value)
        }
        headers.replaceOrAdd(name: "X-Krakend", value: options.versionHeader)
        headers.replaceOrAdd(name: "X-Krakend-Completed", value: "false")
        do {
            try await writer.writeHead(status: response.status, headers: headers)
            for try await chunk in response.body { try await writer.writeBody(chunk) }
            try await writer.end()
        } catch {
            // Headers are gone already: all the client can be told is that the stream broke.
            writer.abort()
        }
    }
}
