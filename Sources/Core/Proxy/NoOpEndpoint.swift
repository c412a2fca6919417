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
    static let connectionHeaders: [StaticString] = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]

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

        /// Bytes go to the backend (none and empty send none).
        var isSent: Bool {
            switch self {
            case .none, .empty: return false
            case .stream, .buffer: return true
            }
        }
    }

    /// One backend call as it stands: what is sent where (a redirect changes it).
    struct Call {
        var method: HTTPMethod
        var url: String
        var headers: HTTPHeaders
        var body: ClientBody
        let deadline: NIODeadline
    }

    func run(_ request: IncomingRequest, params: [(name: String, value: String)], writer: ResponseWriter) async {
        guard let call = prepare(request, params: params, writer: writer) else { return }
        await follow(call, answered: nil, writer: writer)
    }

    /// `run` without a task, on the connection's event loop: a plain-HTTP
    /// call without a client body whose answer comes whole (the usual case)
    /// is sent and relayed there. Anything else (a body to stream, HTTPS, a
    /// redirect to follow, an answer still arriving) goes on in a task.
    func run(_ request: IncomingRequest, params: [(name: String, value: String)], writer: ResponseWriter, on loop: EventLoop) {
        // Without an adapter, `prepare` answers nothing itself: the task may prepare again.
        guard backend.adapter == nil, let call = prepare(request, params: params, writer: writer), !call.body.isSent,
              let target = BackendURL(call.url), target.scheme == "http" else {
            Task { await run(request, params: params, writer: writer) }
            return
        }
        let head = Self.backendHead(call, target: target)
        backend.client.pool.executeStreaming(HTTP1Request(host: target.host, port: target.port, head: head, body: nil), deadline: call.deadline, on: loop)
            .whenComplete { result in
                switch result {
                case .success(let response):
                    let relayed = Relayed(response)
                    if case .complete(let body) = relayed.body, self.nextHop(relayed, call: call, hop: 0) == nil {
                        writer.respond(status: response.head.status, headers: self.clientHeaders(response.head), body: body)
                    } else {
                        Task { await self.follow(call, answered: relayed, writer: writer) }
                    }
                case .failure(let error):
                    self.respondFailure(error, call: call, writer: writer)
                }
            }
    }

    /// The first call of a request; `nil` when an adapter refused it (answered already).
    func prepare(_ request: IncomingRequest, params: [(name: String, value: String)], writer: ResponseWriter) -> Call? {
        let context = RequestContext(head: request.head, params: params, connection: request.connection)
        let body = Self.clientBody(request)
        var call = Call(method: HTTPMethod(rawValue: backend.config.method), url: backend.url(for: context),
                        headers: backend.forwarding.backendHeaders(client: context.headers, clientIP: context.clientIP, host: context.host,
                                                                   addAcceptEncoding: backend.addAcceptEncoding),
                        body: body, deadline: NIODeadline.now() + TimeAmount(timeout))
        if let adapter = backend.adapter {
            // The body is buffered for adapted backends (see Gateway.makeRoute).
            let buffer: ByteBuffer? = { if case .buffer(let b) = body { return b } else { return nil } }()
            var fetch = HTTPBackendClient.Fetch(method: call.method, url: call.url, headers: call.headers, body: buffer, chunked: false)
            do { try adapter.adapt(&fetch, context: context, forwarding: backend.forwarding) } catch {
                responder.respondError(writer, status: error.kind.isBadRequest ? .badRequest : .internalServerError, message: error.description)
                return nil
            }
            (call.method, call.url, call.headers) = (fetch.method, fetch.url, fetch.headers)
            call.body = fetch.body.map { .buffer($0) } ?? .none
        }
        return call
    }

    /// Sends the call (unless `answered` is its answer already), follows
    /// redirects as Go's client does, and relays the final answer.
    func follow(_ call: Call, answered: Relayed?, writer: ResponseWriter) async {
        var call = call
        var answered = answered
        do {
            for hop in 0...Redirect.maxHops {
                let response: Relayed
                if let first = answered {
                    response = first
                    answered = nil
                } else {
                    guard let target = BackendURL(call.url) else { throw HTTP1ClientError(description: "invalid URL \(call.url)", beforeResponse: true) }
                    response = try await send(call, target: target)
                }
                if let redirect = nextHop(response, call: call, hop: hop) {
                    if case .streaming(let rest) = response.body { for try await _ in rest {} }  // drained, so the connection is reused
                    call.headers = redirect.headers(call.headers, previous: call.url)
                    call.url = redirect.url
                    call.method = redirect.method
                    if redirect.dropsBody { call.body = .none }
                    continue
                }
                await relay(response, writer: writer)
                return
            }
        } catch {
            respondFailure(error, call: call, writer: writer)
        }
    }

    /// The redirect to follow after `response`, if any. A streamed body
    /// cannot be sent twice: 307/308 with one are passed to the client.
    func nextHop(_ response: Relayed, call: Call, hop: Int) -> Redirect? {
        guard followRedirects, hop < Redirect.maxHops, let redirect = Redirect(response.head, from: call.url, method: call.method) else { return nil }
        let replayable: Bool = { if case .stream = call.body { return false } else { return true } }()
        return redirect.dropsBody || replayable ? redirect : nil
    }

    func respondFailure(_ error: Error, call: Call, writer: ResponseWriter) {
        if let error = error as? HTTP1ClientError, error.isTimeout {
            responder.respondError(writer, status: .internalServerError, message: "context deadline exceeded")
        } else if let error = error as? HTTPClientError, error == .deadlineExceeded {
            responder.respondError(writer, status: .internalServerError, message: "context deadline exceeded")
        } else {
            responder.respondError(writer, status: .internalServerError, message: "\(call.method.rawValue) \(call.url): \(error)")
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

    /// The request head to a plain-HTTP backend: the call's headers, `Host`,
    /// and the client body's length (chunked for a stream of unknown length).
    static func backendHead(_ call: Call, target: BackendURL) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: call.method, uri: target.target, headers: call.headers)
        head.headers.set("Host", target.hostHeader)
        switch call.body {
        case .none: break
        case .empty: head.headers.replaceOrAdd(name: "Content-Length", value: "0")
        case .buffer(let b): head.headers.replaceOrAdd(name: "Content-Length", value: String(b.readableBytes))
        case .stream(_, let length):
            if let length { head.headers.replaceOrAdd(name: "Content-Length", value: String(length)) }
            else { head.headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked") }
        }
        return head
    }

    /// Plain HTTP through the gateway's pool, HTTPS through AsyncHTTPClient.
    func send(_ call: Call, target: BackendURL) async throws -> Relayed {
        let (method, url, headers, body, deadline) = (call.method, call.url, call.headers, call.body, call.deadline)
        if target.scheme == "http" {
            let head = Self.backendHead(call, target: target)
            var stream: RequestBodyStream?
            var buffer: ByteBuffer?
            switch body {
            case .buffer(let b): buffer = b
            case .stream(let s, _): stream = s
            case .none, .empty: break
            }
            let response = try await backend.client.pool.executeStreaming(
                HTTP1Request(host: target.host, port: target.port, head: head, body: buffer), bodyStream: stream, deadline: deadline)
            return Relayed(response)
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

    /// The backend's headers as the client gets them: without hop-by-hop
    /// ones, with the gateway's own.
    func clientHeaders(_ head: HTTPResponseHead) -> HTTPHeaders {
        // The client decompressed a gzip body: its length and encoding no longer apply.
        let decompressed = head.headers.first(name: "content-encoding").map(ResponseInflater.applies) ?? false
        var fields: [(String, String)] = []
        fields.reserveCapacity(head.headers.count + 2)
        for (name, value) in head.headers {
            if Self.connectionHeaders.contains(where: { name.equalsASCIICaseInsensitive($0) }) { continue }
            if decompressed && (name.equalsASCIICaseInsensitive("content-encoding") || name.equalsASCIICaseInsensitive("content-length")) { continue }
            // The gateway's own, set below.
            if name.equalsASCIICaseInsensitive("x-krakend") || name.equalsASCIICaseInsensitive("x-krakend-completed") { continue }
            fields.append((name, value))
        }
        fields.append(("X-Krakend", responder.versionHeader))
        fields.append(("X-Krakend-Completed", "false"))
        return HTTPHeaders(fields)
    }

    func relay(_ response: Relayed, writer: ResponseWriter) async {
        let headers = clientHeaders(response.head)
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

extension NoOpEndpoint.Relayed {
    init(_ response: HTTP1StreamedResponse) {
        switch response.body {
        case .complete(let body): self.init(head: response.head, body: .complete(body))
        case .streaming(let stream): self.init(head: response.head, body: .streaming(AnyBody(stream)))
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
