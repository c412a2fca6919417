import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// One backend of a regular endpoint, from request to decoded data: build
/// the request, send it, check the status (200 and 201 are success, as in
/// KrakenD), decode by `encoding`.
final class BackendPipe: Sendable {
    let backend: HTTPBackend
    /// `backend/http.return_error_details`: failures become `error_<alias>` data.
    let errorDetailsAlias: String?
    /// `backend/http.return_error_code`: a single backend's status reaches the client.
    let returnErrorCode: Bool
    /// The `{respN_field}` placeholders of a sequential endpoint, parsed once.
    let responseReferences: [ResponseReference]
    /// target → allow/deny → mapping; with a backend flatmap_filter, target only.
    let manipulation: ResponseManipulation
    let flatmap: FlatmapFilter?
    /// `group`; an empty name is no group, as in KrakenD.
    let group: String?

    /// `qos/http-cache`, when configured.
    let cache: BackendCache?

    init(backend: HTTPBackend, caches: SharedCaches) throws(ConfigError) {
        self.backend = backend
        let config = backend.config
        cache = try BackendCache.make(config.extraConfig["qos/http-cache"], path: config.configPath + ".extra_config.qos/http-cache", registry: caches)
        flatmap = try FlatmapFilter.fromExtraConfig(config.extraConfig, path: config.configPath + ".extra_config")
        manipulation = flatmap == nil
            ? ResponseManipulation(target: config.target, allow: config.allow, deny: config.deny, mapping: config.mapping)
            : ResponseManipulation(target: config.target, allow: [], deny: [], mapping: [:])
        group = config.group.flatMap { $0.isEmpty ? nil : $0 }
        let http = backend.config.extraConfig["backend/http"]
        errorDetailsAlias = http?["return_error_details"]?.stringValue
        returnErrorCode = http?["return_error_code"]?.boolValue == true && errorDetailsAlias == nil
        responseReferences = backend.pattern.parameterNames.compactMap(ResponseReference.init)
    }

    var config: BackendConfig { backend.config }

    /// The call from async code: the same work as `call(…on:)`, on the
    /// current event loop when there is one.
    func call(context: RequestContext, body: BackendBody, deadline: NIODeadline,
              previous: [[String: Value]?] = []) async -> Result<[String: Value], BackendCallError> {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? backend.client.group.next()
        let future = loop.flatSubmit { self.call(context: context, body: body, deadline: deadline, previous: previous, on: loop) }
        return (try? await future.get()) ?? .failure(BackendCallError(.connection, "the call was abandoned"))
    }

    /// Sends the request and turns the answer into data (or the reason there
    /// is none). Runs on `loop`; the future never fails.
    func call(context: RequestContext, body: BackendBody, deadline: NIODeadline,
              previous: [[String: Value]?], on loop: EventLoop) -> EventLoopFuture<Result<[String: Value], BackendCallError>> {
        var extra: [String: String] = [:]
        for reference in responseReferences {
            guard reference.index < previous.count, let data = previous[reference.index] else { continue }
            extra[reference.placeholder] = reference.value(in: data)
        }
        let fetch: HTTPBackendClient.Fetch
        do { fetch = try backend.makeFetch(for: context, body: body, extraParams: extra) } catch {
            return loop.makeSucceededFuture(.failure(error))
        }
        var effectiveDeadline = deadline
        if let own = config.timeout { effectiveDeadline = min(deadline, NIODeadline.now() + TimeAmount(own)) }
        if let cached = cache?.lookup(method: fetch.method, url: fetch.url, headers: fetch.headers) {
            return loop.makeSucceededFuture(interpret(cached, fetch: fetch))
        }
        let sent = backend.adapter?.send(fetch, deadline: effectiveDeadline, on: loop)
            ?? backend.client.fetch(fetch, deadline: effectiveDeadline, followRedirects: true, on: loop)
        // One promise rather than a `map` and a `recover`: each future costs allocations.
        let outcome = loop.makePromise(of: Result<[String: Value], BackendCallError>.self)
        sent.whenComplete { result in
            switch result {
            case .success(let response):
                self.cache?.store(method: fetch.method, url: fetch.url, requestHeaders: fetch.headers, response: response)
                outcome.succeed(self.interpret(response, fetch: fetch))
            case .failure(let error as HTTPClientError) where error == .deadlineExceeded:
                outcome.succeed(.failure(BackendCallError(.timeout, "context deadline exceeded")))
            case .failure(let error as HTTP1ClientError) where error.isTimeout:
                outcome.succeed(.failure(BackendCallError(.timeout, error.description)))
            case .failure(let error):
                outcome.succeed(.failure(BackendCallError(.connection, "\(fetch.method.rawValue) \(fetch.url): \(error)")))
            }
        }
        return outcome.futureResult
    }

    /// 200 and 201 are success, as in KrakenD; the body is decoded by `encoding` and shaped.
    func interpret(_ response: HTTP1Response, fetch: HTTPBackendClient.Fetch) -> Result<[String: Value], BackendCallError> {
        let status = response.head.status.code
        guard status == 200 || status == 201 else {
            var error = BackendCallError(.invalidStatus(Int(status)),
                "invalid status code \(status) [\(fetch.method.rawValue) \(Self.path(of: fetch.url))]: \(fetch.url)",
                backendBody: response.body.map { String(buffer: $0) } ?? "",
                backendContentType: response.head.headers.first(name: "content-type"))
            backend.adapter?.explain(&error, response: response)
            return .failure(error)
        }
        do {
            let decoded: [String: Value]
            if let ready = response.decoded { decoded = ready } else {
                decoded = try BackendDecoder.decode(response.body, encoding: config.encoding, isCollection: config.isCollection)
            }
            if let adapter = backend.adapter, var rejection = adapter.judge(decoded, response: response) {
                rejection.partialData = rejection.partialData.map(shape)
                return .failure(rejection)
            }
            return .success(shape(decoded))
        } catch {
            return .failure(error)
        }
    }

    /// The backend's data as the merge takes it: manipulated, then grouped.
    func shape(_ decoded: [String: Value]) -> [String: Value] {
        var data = manipulation.isIdentity ? decoded : manipulation.apply(decoded)
        if let flatmap { data = flatmap.apply(data) }
        if let group { return [group: .object(data)] }
        return data
    }

    /// The data a failed backend contributes under `return_error_details`.
    /// Only an unexpected status has details (Lura's status handler makes them);
    /// a backend that could not be reached or decoded is just missing.
    func errorDetails(_ error: BackendCallError) -> (key: String, value: Value)? {
        guard let alias = errorDetailsAlias, let status = error.answeredStatus else { return nil }
        var details: [String: Value] = ["http_status_code": Value(status)]
        // Both `omitempty` in Lura's HTTPResponseError.
        if let body = error.backendBody, !body.isEmpty { details["http_body"] = .string(body) }
        if let type = error.backendContentType, !type.isEmpty { details["http_body_encoding"] = .string(type) }
        details.merge(error.details) { _, adapter in adapter }
        return ("error_" + alias, .object(details))
    }

    /// The path of a backend URL, for error messages.
    static func path(of url: String) -> String {
        BackendURL(url).map { String($0.target.prefix { $0 != "?" }) } ?? url
    }
}

/// A `{resp0_user.id}` placeholder of a sequential endpoint: which earlier
/// backend, and which field of its data.
struct ResponseReference: Sendable {
    let placeholder: String
    let index: Int
    let path: [String]

    init?(_ placeholder: String) {
        guard placeholder.hasPrefix("resp") else { return nil }
        let rest = placeholder.dropFirst(4)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let index = Int(digits), rest.dropFirst(digits.count).first == "_" else { return nil }
        self.placeholder = placeholder
        self.index = index
        self.path = rest.dropFirst(digits.count + 1).split(separator: ".").map(String.init)
    }

    /// The field as Lura's `sequentialMerge` writes it: an array's items joined
    /// by commas, anything else as Go's `%v` (strings as they are, `<nil>` for null).
    func value(in data: [String: Value]) -> String? {
        var current: Value = .object(data)
        for key in path {
            guard let next = current[key] else { return nil }
            current = next
        }
        if case .array(let items) = current { return items.map(Self.goFormat).joined(separator: ",") }
        return Self.goFormat(current)
    }

    /// A decoded JSON value as Go's `fmt` prints it with `%v`.
    static func goFormat(_ value: Value) -> String {
        switch value {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return String(b)
        case .null: return "<nil>"
        case .array(let items): return "[" + items.map(goFormat).joined(separator: " ") + "]"
        case .object(let members):
            let sorted = members.sorted { utf8BytesLess($0.key, $1.key) }
            return "map[" + sorted.map { $0.key + ":" + goFormat($0.value) }.joined(separator: " ") + "]"
        }
    }
}
