import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A `no-op` endpoint: the single backend's status, headers and body reach the
/// client as they are, streamed both ways without reading whole bodies.
final class NoOpEndpoint: Sendable {
    let backend: HTTPBackend
    let timeout: Duration
    let responder: EndpointResponder
    let followRedirects: Bool

    /// Hop-by-hop headers belong to each connection, not to the response.
    static let connectionHeaders: Set<String> = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]

    init(backend: HTTPBackend, config: EndpointConfig, responder: EndpointResponder) {
        self.backend = backend
        self.timeout = config.timeout
        self.responder = responder
        // Enterprise's backend/http/client `no_redirect` turns following off.
        let client = backend.config.extraConfig["backend/http/client"]
        self.followRedirects = client?["no_redirect"]?.boolValue != true
    }

    /// What the client sent as a body, as far as the head tells.
    enum ClientBody {
        case none
        case empty  // `Content-Length: 0`, forwarded as such
        case stream(RequestBodyStream, length: Int?)
        case buffer(ByteBuffer)
    }

    func run(_ request: IncomingRequest, params: [(name: String, value: String)], writer: ResponseWriter) async {
        let context = RequestContext(head: request.head, params: params, connection: request.connection)
        let body = Self.clientBody(request)
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        var url = backend.url(for: context)
        var method = HTTPMethod(rawValue: backend.config.method)
        var headers = backend.forwarding.backendHeaders(client: context.headers, clientIP: context.clientIP, host: context.host, addAcceptEncoding: backend.addAcceptEncoding)
        var sendBody = body
        if let adapter = backend.adapter {
            // The body is buffered for adapted backends (see Gateway.makeRoute).
            let buffer: ByteBuffer? = { if case .buffer(let b) = body { return b } else { return nil } }()
            var fetch = HTTPBackendClient.Fetch(method: method, url: url, headers: headers, body: buffer, chunked: false)
            do { try adapter.adapt(&fetch, context: context, forwarding: backend.forwarding) } catch {
                responder.respondError(writer, status: error.kind.isBadRequest ? .badRequest : .internalServerError, message: error.description)
                return
            }
            (method, url, headers) = (fetch.method, fetch.url, fetch.headers)
            sendBody = fetch.body.map { .buffer($0) } ?? .none
        }
        do {
            for hop in 0...Redirect.maxHops {
                guard let target = BackendURL(url) else { throw HTTP1ClientError(description: "invalid URL \(url)", beforeResponse: true) }
                let response = try await send(method: method, url: url, target: target, headers: headers, body: sendBody, deadline: deadline)
                // A streamed body cannot be sent twice: 307/308 with one are passed to the client.
                let replayable: Bool = { if case .stream = sendBody { return false } else { return true } }()
                if followRedirects, hop < Redirect.maxHops,
                   let redirect = Redirect(response.head, from: url, method: method),
                   redirect.dropsBody || replayable {
                    if case .streaming(let rest) = response.body { for try await _ in rest {} }  // drained, so the connection is reused
                    headers = redirect.headers(headers, previous: url)
                    url = redirect.url
                    method = redirect.method
                    if redirect.dropsBody { sendBody = .none }
                    continue
                }
                await relay(response, writer: writer)
                return
            }
        } catch let error as HTTP1ClientError where error.isTimeout {
            responder.respondError(writer, status: .internalServerError, message: "context deadline exceeded")
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            responder.respondError(writer, status: .internalServerError, message: "context deadline exceeded")
        } catch {
            responder.respondError(writer, status: .internalServerError, message: "\(method.rawValue) \(url): \(error)")
        }
    }

    static func clientBody(_ request: IncomingRequest) -> ClientBody {
        let length = request.head.headers.first(name: "content-length").flatMap { Int($0) }
        switch request.body {
        case .buffered(let buffer):
            if let buffer, buffer.readableBytes > 0 { return .buffer(buffer) }
            return length == 0 ? .empty : .none
        case .streamed(let stream):
            if length == 0 { return .empty }
            // An HTTP/1.1 request with neither length nor chunks has no body.
            if length == nil && !request.connection.isHTTP2 && !request.head.headers.contains(name: "transfer-encoding") { return .none }
            return .stream(stream, length: length)
        }
    }

    struct Relayed {
        enum Body {
            case complete(ByteBuffer?)
            case streaming(AnyBody)
        }
        var head: HTTPResponseHead
        var body: Body
    }

    /// Plain HTTP through the gateway's pool, HTTPS through AsyncHTTPClient.
    func send(method: HTTPMethod, url: String, target: BackendURL, headers: HTTPHeaders, body: ClientBody, deadline: NIODeadline) async throws -> Relayed {
        if target.scheme == "http" {
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: target.target, headers: headers)
            head.headers.replaceOrAdd(name: "Host", value: target.hostHeader)
            var stream: RequestBodyStream?
            var buffer: ByteBuffer?
            switch body {
            case .none: break
            case .empty: head.headers.replaceOrAdd(name: "Content-Length", value: "0")
            case .buffer(let b):
                buffer = b
                head.headers.replaceOrAdd(name: "Content-Length", value: String(b.readableBytes))
            case .stream(let s, let length):
                stream = s
                if let length { head.headers.replaceOrAdd(name: "Content-Length", value: String(length)) }
                else { head.headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked") }
            }
            let response = try await backend.client.pool.executeStreaming(
                HTTP1Request(host: target.host, port: target.port, head: head, body: buffer), bodyStream: stream, deadline: deadline)
            switch response.body {
            case .complete(let buffer): return Relayed(head: response.head, body: .complete(buffer))
            case .streaming(let stream): return Relayed(head: response.head, body: .streaming(AnyBody(stream)))
            }
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        switch body {
        case .none: break
        case .empty: request.body = .bytes(ByteBuffer())
        case .buffer(let b): request.body = .bytes(b)
        case .stream(let s, let length): request.body = .stream(s, length: length.map { .known(Int64($0)) } ?? .unknown)
        }
        let response = try await backend.client.client.execute(request, deadline: deadline)
        return Relayed(head: HTTPResponseHead(version: .http1_1, status: response.status, headers: response.headers), body: .streaming(AnyBody(response.body)))
    }

    func relay(_ response: Relayed, writer: ResponseWriter) async {
        var headers = HTTPHeaders()
        // The client decompressed a gzip body: its length and encoding no longer apply.
        let decompressed = response.head.headers.first(name: "content-encoding").map { ["gzip", "deflate"].contains($0.lowercased()) } ?? false
        for (name, value) in response.head.headers {
            let lower = name.lowercased()
            if Self.connectionHeaders.contains(lower) { continue }
            if decompressed && (lower == "content-encoding" || lower == "content-length") { continue }
            headers.add(name: name, value: value)
        }
        headers.replaceOrAdd(name: "X-Krakend", value: responder.versionHeader)
        headers.replaceOrAdd(name: "X-Krakend-Completed", value: "false")
        let stream: AnyBody
        switch response.body {
        case .complete(let body):
            // The whole answer came in one read: one write, one flush.
            writer.respond(status: response.head.status, headers: headers, body: body)
            return
        case .streaming(let s):
            stream = s
        }
        do {
            try await writer.writeHead(status: response.head.status, headers: headers)
            for try await chunk in stream { try await writer.writeBody(chunk) }
            try await writer.end()
        } catch {
            // Headers are gone already: all the client can be told is that the stream broke.
            writer.abort()
        }
    }
}

/// Either client's response body, as one type.
struct AnyBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    private let makeNext: @Sendable () -> (() async throws -> ByteBuffer?)

    init<S: AsyncSequence & Sendable>(_ sequence: S) where S.Element == ByteBuffer {
        makeNext = {
            nonisolated(unsafe) var iterator = sequence.makeAsyncIterator()
            return { try await iterator.next() }
        }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let next: () async throws -> ByteBuffer?
        mutating func next() async throws -> ByteBuffer? { try await next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(next: makeNext()) }
}
