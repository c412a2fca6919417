import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// A regular endpoint: calls its backends in parallel, decodes each answer,
/// merges them into one object and renders it as JSON.
final class MergingEndpoint: Sendable {
    let backends: [HTTPBackend]
    let timeout: Duration
    let cacheControl: String?
    let options: EndpointResponder
    let bodyLimit: Int

    init(backends: [HTTPBackend], config: EndpointConfig, options: EndpointResponder, bodyLimit: Int) {
        self.backends = backends
        self.timeout = config.timeout
        self.cacheControl = config.cacheTTL > .zero ? "public, max-age=\(config.cacheTTL.components.seconds)" : nil
        self.options = options
        self.bodyLimit = bodyLimit
    }

    func run(_ request: IncomingRequest, params: [(name: String, value: String)], writer: ResponseWriter) async {
        let context = RequestContext(head: request.head, params: params, connection: request.connection)
        let body: ByteBuffer?
        do { body = try await request.body.collect(upTo: bodyLimit) } catch {
            options.respondError(writer, status: .payloadTooLarge, message: "request body too large")
            return
        }
        // As KrakenD does, a body goes to the backends chunked (its length is not
        // forwarded); an empty one keeps the client's `Content-Length: 0`.
        let backendBody: HTTPClientRequest.Body?
        if let body, body.readableBytes > 0 {
            backendBody = .stream(SingleChunk(buffer: body), length: .unknown)
        } else {
            backendBody = request.head.headers.contains(name: "content-length") ? .bytes(ByteBuffer()) : nil
        }
        let deadline = NIODeadline.now() + TimeAmount(timeout)

        let results: [Result<[String: Value], BackendCallError>]
        if backends.count == 1 {
            // One backend: no task group to pay for.
            results = [await Self.call(backends[0], context: context, body: backendBody, deadline: deadline)]
        } else {
            results = await withTaskGroup(of: (Int, Result<[String: Value], BackendCallError>).self) { group in
                for (index, backend) in backends.enumerated() {
                    group.addTask { (index, await Self.call(backend, context: context, body: backendBody, deadline: deadline)) }
                }
                var out = [Result<[String: Value], BackendCallError>](repeating: .failure(BackendCallError(.timeout, "not called")), count: backends.count)
                for await (index, result) in group { out[index] = result }
                return out
            }
        }

        var merged: [String: Value] = [:]
        var firstError: BackendCallError?
        var succeeded = 0
        for (backend, result) in zip(backends, results) {
            switch result {
            case .success(let data):
                succeeded += 1
                if let group = backend.config.group { merged[group] = .object(data) } else { merged.merge(data) { _, new in new } }
            case .failure(let error):
                if firstError == nil { firstError = error }
            }
        }
        guard succeeded > 0 else {
            options.respondError(writer, status: .internalServerError, message: firstError?.description ?? "no backend answered")
            return
        }
        let complete = succeeded == backends.count
        var headers = options.baseHeaders(completed: complete)
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        if complete, let cacheControl { headers.add(name: "Cache-Control", value: cacheControl) }
        var bytes: [UInt8] = []
        Value.object(merged).serializeJSON(into: &bytes)
        writer.respond(status: .ok, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    static func call(_ backend: HTTPBackend, context: RequestContext, body: HTTPClientRequest.Body?, deadline: NIODeadline) async -> Result<[String: Value], BackendCallError> {
        let request = backend.makeRequest(for: context, body: body)
        var effectiveDeadline = deadline
        if let own = backend.config.timeout { effectiveDeadline = min(deadline, NIODeadline.now() + TimeAmount(own)) }
        do {
            let response = try await backend.client.execute(request, deadline: effectiveDeadline, followRedirects: true)
            let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
            guard response.status.code == 200 || response.status.code == 201 else {
                let path = request.url.firstIndex(of: "?").map { String(request.url[..<$0]) } ?? request.url
                let pathOnly = Self.pathOf(path)
                return .failure(BackendCallError(.invalidStatus(Int(response.status.code)),
                    "invalid status code \(response.status.code) [\(request.method.rawValue) \(pathOnly)]: \(request.url)"))
            }
            return .success(try BackendDecoder.decode(buffer, encoding: backend.config.encoding, isCollection: backend.config.isCollection))
        } catch let error as BackendCallError {
            return .failure(error)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return .failure(BackendCallError(.timeout, "context deadline exceeded"))
        } catch {
            return .failure(BackendCallError(.connection, "\(request.method.rawValue) \(request.url): \(error)"))
        }
    }

    static func pathOf(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
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
