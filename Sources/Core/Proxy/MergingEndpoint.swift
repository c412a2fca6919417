import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A regular endpoint: calls its backends (in parallel, or one after the
/// other with `proxy.sequential`), merges their data into one object and
/// renders it.
final class MergingEndpoint: Sendable {
    let pipes: [BackendPipe]
    /// `proxy.shadow` backends: called with every request, never waited for, never merged.
    let shadowPipes: [BackendPipe]
    /// `concurrent_calls`: the same call sent N times, the first success wins.
    let concurrentCalls: Int
    let timeout: Duration
    let cacheControl: String?
    /// `output_encoding`: how the merged data is rendered.
    let outputEncoding: String
    let responder: EndpointResponder
    let bodyLimit: Int
    let sequential: Bool
    let staticProxy: StaticProxy?
    /// The endpoint's flatmap_filter, run on the merged data of several backends.
    let flatmap: FlatmapFilter?

    init(pipes: [BackendPipe], config: EndpointConfig, responder: EndpointResponder, bodyLimit: Int) throws(ConfigError) {
        let isShadow = { (pipe: BackendPipe) in pipe.config.extraConfig["proxy"]?["shadow"]?.boolValue == true }
        self.pipes = pipes.filter { !isShadow($0) }
        self.shadowPipes = pipes.filter(isShadow)
        self.concurrentCalls = max(1, config.concurrentCalls)
        self.timeout = config.timeout
        self.cacheControl = config.cacheTTL > .zero ? "public, max-age=\(config.cacheTTL.components.seconds)" : nil
        self.outputEncoding = ResponseRendering.effectiveEncoding(outputEncoding: config.outputEncoding, backendEncodings: pipes.map(\.config.encoding))
        self.responder = responder
        self.bodyLimit = bodyLimit
        let proxy = config.extraConfig["proxy"]
        self.sequential = proxy?["sequential"]?.boolValue == true
        // Shadow backends do not count: KrakenD splits them off before building the endpoint.
        self.flatmap = pipes.count(where: { !isShadow($0) }) > 1 ? try FlatmapFilter.fromExtraConfig(config.extraConfig, path: config.configPath + ".extra_config") : nil
        do { self.staticProxy = try StaticProxy(proxy) } catch {
            throw ConfigError(error.problems.map { ConfigProblem(path: config.configPath + "." + $0.path, message: $0.message) })
        }
    }

    func run(_ request: IncomingRequest, params: [(name: String, value: String)], writer: ResponseWriter) async {
        let context = RequestContext(head: request.head, params: params, connection: request.connection)
        let body: ByteBuffer?
        do { body = try await request.body.collect(upTo: bodyLimit) } catch {
            responder.respondError(writer, status: .payloadTooLarge, message: "request body too large")
            return
        }
        let backendBody = Self.backendBody(body, request: request)
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        for pipe in shadowPipes {
            Task { _ = await pipe.call(context: context, body: backendBody, deadline: deadline) }
        }
        let outcomes = await callBackends(context: context, body: backendBody, deadline: deadline)
        respond(outcomes, accept: request.head.headers.first(name: "accept"), writer: writer)
    }

    /// Whether a request can run wholly on its connection's event loop, with
    /// futures and no task: a parallel merge without racing calls.
    var runsOnLoop: Bool { !sequential && concurrentCalls == 1 }

    /// `run` on the event loop: the body is already read (buffered mode), the
    /// backends are called on `loop`'s own connections, the answer is written
    /// when the last one is in. No task, no thread hop.
    func run(_ request: IncomingRequest, params: [(name: String, value: String)], writer: ResponseWriter, on loop: EventLoop) {
        guard case .buffered(let body) = request.body else {
            Task { await run(request, params: params, writer: writer) }
            return
        }
        let context = RequestContext(head: request.head, params: params, connection: request.connection)
        let backendBody = Self.backendBody(body, request: request)
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        callShadows(context: context, body: backendBody, deadline: deadline, on: loop)
        let accept = request.head.headers.first(name: "accept")
        callBackends(context: context, body: backendBody, deadline: deadline, on: loop) { outcomes in
            self.respond(outcomes, accept: accept, writer: writer)
        }
    }

    /// `proxy.shadow` backends: fired, never waited for.
    func callShadows(context: RequestContext, body: BackendBody, deadline: NIODeadline, on loop: EventLoop) {
        for pipe in shadowPipes {
            _ = pipe.call(context: context, body: body, deadline: deadline, previous: [], on: loop)
        }
    }

    /// The parallel calls on `loop`'s own connections; `done` runs on `loop`
    /// when the last answer is in.
    func callBackends(context: RequestContext, body: BackendBody, deadline: NIODeadline, on loop: EventLoop,
                      done: @escaping @Sendable ([Outcome]) -> Void) {
        if pipes.count == 1 {
            // One backend: nothing to gather.
            pipes[0].call(context: context, body: body, deadline: deadline, previous: [], on: loop).whenSuccess { done([(0, $0)]) }
            return
        }
        let outcomes = NIOLoopBoundBox([Outcome](), eventLoop: loop)
        outcomes.value.reserveCapacity(pipes.count)
        let total = pipes.count
        for (index, pipe) in pipes.enumerated() {
            pipe.call(context: context, body: body, deadline: deadline, previous: [], on: loop).whenSuccess { result in
                outcomes.value.append((index, result))
                if outcomes.value.count == total { done(outcomes.value) }
            }
        }
    }

    /// As KrakenD does, a body goes to the backends chunked (its length is not
    /// forwarded); an empty one keeps the client's `Content-Length: 0`.
    static func backendBody(_ body: ByteBuffer?, request: IncomingRequest) -> BackendBody {
        if let body, body.readableBytes > 0 { return BackendBody(buffer: body, chunked: true) }
        return request.head.headers.contains(name: "content-length") ? BackendBody(buffer: ByteBuffer(), chunked: false) : .none
    }

    /// What each backend gave, in the order the answers arrived (the merge
    /// follows it, so a later answer wins a key, as in KrakenD); a backend a
    /// broken sequence never reached is absent.
    typealias Outcome = (index: Int, result: Result<[String: Value], BackendCallError>)

    func callBackends(context: RequestContext, body: BackendBody, deadline: NIODeadline) async -> [Outcome] {
        if pipes.count == 1 {
            // One backend: no task group to pay for.
            return [(0, await call(pipes[0], context: context, body: body, deadline: deadline))]
        }
        if sequential {
            var outcomes: [Outcome] = []
            var data: [[String: Value]?] = []
            for (index, pipe) in pipes.enumerated() {
                let result = await call(pipe, context: context, body: body, deadline: deadline, previous: data)
                outcomes.append((index, result))
                guard case .success(let d) = result else { break }  // a broken chain stops here
                data.append(d)
            }
            return outcomes
        }
        return await withTaskGroup(of: Outcome.self) { group in
            for (index, pipe) in pipes.enumerated() {
                group.addTask { (index, await self.call(pipe, context: context, body: body, deadline: deadline)) }
            }
            var outcomes: [Outcome] = []
            outcomes.reserveCapacity(pipes.count)
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    /// One backend call, or `concurrent_calls` of them racing.
    func call(_ pipe: BackendPipe, context: RequestContext, body: BackendBody, deadline: NIODeadline,
              previous: [[String: Value]?] = []) async -> Result<[String: Value], BackendCallError> {
        if concurrentCalls == 1 {
            return await pipe.call(context: context, body: body, deadline: deadline, previous: previous)
        }
        // The first success answers at once; the slower calls finish on their
        // own, bounded by the deadline, and are ignored.
        let race = CallRace(calls: concurrentCalls)
        return await withCheckedContinuation { continuation in
            race.start(continuation)
            for _ in 0..<concurrentCalls {
                Task { race.finished(await pipe.call(context: context, body: body, deadline: deadline, previous: previous)) }
            }
        }
    }

    /// The outcomes as one answer: data merged in the order it came, the
    /// failures kept for the status.
    func merge(_ outcomes: [Outcome]) -> MergedAnswer {
        var merged: [String: Value] = [:]
        var errors: [BackendCallError] = []
        var succeeded = 0
        for (index, result) in outcomes {
            switch result {
            case .success(let data):
                succeeded += 1
                // The first data is taken whole: merging into nothing would hash every key again.
                if merged.isEmpty { merged = data } else { merged.merge(data) { _, new in new } }
            case .failure(let error):
                // A rejected answer's partial data is kept; the response is incomplete.
                if let partial = error.partialData { merged.merge(partial) { _, new in new } }
                // `return_error_details` makes a bad status data: in Lura that
                // backend answers (incomplete) rather than failing the merge.
                if let (key, details) = pipes[index].errorDetails(error) {
                    merged[key] = details
                } else {
                    errors.append(error)
                }
            }
        }
        let complete = succeeded == pipes.count
        // Lura's endpoint flatmap runs only when the merge had no error.
        if let flatmap, errors.isEmpty { merged = flatmap.apply(merged) }
        var hasData = succeeded > 0 || !merged.isEmpty
        if let staticProxy, staticProxy.applies(anyError: !errors.isEmpty, complete: complete) {
            merged.merge(staticProxy.data) { _, new in new }
            hasData = true
        }
        // KrakenD calls complete (and cacheable) only an answer with data.
        return MergedAnswer(data: hasData ? merged : nil, complete: complete && !merged.isEmpty, errors: errors)
    }

    func respond(_ outcomes: [Outcome], accept: String?, writer: ResponseWriter) {
        let answer = merge(outcomes)
        guard let data = answer.data else {
            respondFailure(answer.errors, writer: writer)
            return
        }
        var headers = responder.baseHeaders(completed: answer.complete)
        if answer.complete, let cacheControl { headers.add(name: "Cache-Control", value: cacheControl) }
        let rendered = ResponseRendering.render(.object(data), encoding: outputEncoding, accept: accept)
        headers.add(name: "Content-Type", value: rendered.contentType)
        writer.respond(status: .ok, headers: headers, body: ByteBuffer(bytes: rendered.body))
    }

    /// Nothing to show: 500, or with `return_error_code` the single backend's
    /// status (and its body when `return_error_msg` is on). The message is every
    /// error, one per line, in the order they came (Lura's `mergeError`).
    func respondFailure(_ errors: [BackendCallError], writer: ResponseWriter) {
        if pipes.count == 1, pipes[0].returnErrorCode, let error = errors.first, let code = error.statusCode {
            responder.respondError(writer, status: HTTPResponseStatus(statusCode: code), message: error.backendBody ?? "")
            return
        }
        let message = errors.isEmpty ? "no backend answered" : errors.map(\.description).joined(separator: "\n")
        // Only the client's own input failed every backend: that is its error, not ours.
        let clientFault = !errors.isEmpty && errors.allSatisfy(\.kind.isBadRequest)
        responder.respondError(writer, status: clientFault ? .badRequest : .internalServerError, message: message)
    }
}


/// What the backends of one request gave, merged.
public struct MergedAnswer: Sendable {
    /// The merged data; `nil` when no backend gave any.
    public var data: [String: Value]?
    /// Every backend answered well, and there is data.
    public var complete: Bool
    /// The failures, in the order they came.
    public var errors: [BackendCallError]
}

/// An endpoint's backends and merge without the HTTP rendering: what a gRPC
/// server method runs. Built once at start-up.
public struct EndpointProxy: Sendable {
    let endpoint: MergingEndpoint
    /// The endpoint's `timeout`.
    public var timeout: Duration { endpoint.timeout }

    /// Calls the backends with `body` (already JSON, as a client's) and merges
    /// their answers; the future completes on `loop`.
    public func call(context: RequestContext, body: ByteBuffer?, deadline: NIODeadline, on loop: EventLoop) -> EventLoopFuture<MergedAnswer> {
        let backendBody = body.map { BackendBody(buffer: $0, chunked: true) } ?? .none
        let endpoint = self.endpoint
        endpoint.callShadows(context: context, body: backendBody, deadline: deadline, on: loop)
        guard endpoint.runsOnLoop else {
            return loop.makeFutureWithTask {
                endpoint.merge(await endpoint.callBackends(context: context, body: backendBody, deadline: deadline))
            }
        }
        let promise = loop.makePromise(of: MergedAnswer.self)
        endpoint.callBackends(context: context, body: backendBody, deadline: deadline, on: loop) { outcomes in
            promise.succeed(endpoint.merge(outcomes))
        }
        return promise.futureResult
    }
}

/// `concurrent_calls`: N identical calls, the first success wins; when all
/// fail, the last failure is the answer.
final class CallRace: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<[String: Value], BackendCallError>, Never>?
        var pending: Int
    }
    private let state: Mutex<State>

    init(calls: Int) { state = Mutex(State(continuation: nil, pending: calls)) }

    func start(_ continuation: CheckedContinuation<Result<[String: Value], BackendCallError>, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func finished(_ result: Result<[String: Value], BackendCallError>) {
        let resume = state.withLock { state -> CheckedContinuation<Result<[String: Value], BackendCallError>, Never>? in
            state.pending -= 1
            let isSuccess: Bool = { if case .success = result { return true } else { return false } }()
            guard isSuccess || state.pending == 0, let c = state.continuation else { return nil }
            state.continuation = nil
            return c
        }
        resume?.resume(returning: result)
    }
}
