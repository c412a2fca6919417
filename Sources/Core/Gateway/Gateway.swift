import Logging
import NIOCore
import NIOHTTP1

/// The gateway as the server sees it: the router and the endpoint pipelines,
/// built once from the configuration.
public final class Gateway: HTTPApplication {
    /// What a route leads to.
    struct Route: Sendable {
        let bodyMode: PreparedRequest.BodyMode
        /// Built once per route; a request's `{params}` come in `IncomingRequest.params`.
        let run: @Sendable (IncomingRequest, ResponseWriter) async -> Void
        var runOnLoop: (@Sendable (IncomingRequest, ResponseWriter, EventLoop) -> Void)? = nil
        /// A protocol module's endpoint (`websocket`) answers instead of `run`.
        var upgrade: (any UpgradeEndpoint)? = nil
    }

    let router: Router<Route>
    let builtins: BuiltinEndpoints
    let responder: EndpointResponder
    let errorBodies: [String: Value]
    let logger: Logger
    /// The endpoints protocol modules serve (WebSockets), started once the
    /// gateway is built.
    let upgradeEndpoints: [any UpgradeEndpoint]

    /// Builds every endpoint pipeline; throws every problem the routes have.
    public init(config: ServiceConfig, client: HTTPBackendClient, logger: Logger, adapters: BackendAdapters = BackendAdapters(),
                upgrades: [UpgradeEndpointFactory] = [], bodyLimit: Int = 64 << 20) throws(ConfigError) {
        self.logger = logger
        let responder = EndpointResponder(router: config.router)
        self.responder = responder
        errorBodies = config.router.errorBody
        builtins = BuiltinEndpoints(
            healthPath: config.router.disableHealth ? nil : config.router.healthPath,
            debug: config.debugEndpoint, echo: config.echoEndpoint, logger: logger, responder: responder)

        let caches = SharedCaches()
        var upgradeEndpoints: [any UpgradeEndpoint] = []
        router = try Self.buildRouter(config) { (endpoint) throws(ConfigError) -> Route in
            if let factory = UpgradeEndpointFactory.factory(for: endpoint, in: upgrades) {
                let built = try factory.make(endpoint, config)
                upgradeEndpoints.append(built)
                return Route(bodyMode: .buffered(limit: 1 << 16), run: { _, _ in }, upgrade: built)
            }
            return try Self.makeRoute(endpoint, config: config, client: client, adapters: adapters, responder: responder, caches: caches, bodyLimit: bodyLimit)
        }
        self.upgradeEndpoints = upgradeEndpoints
        for endpoint in upgradeEndpoints { endpoint.start() }
    }

    /// Closes the connections the protocol modules' endpoints took over
    /// (WebSocket clients and backends); call it when the server drains.
    public func shutdown() async {
        for endpoint in upgradeEndpoints { await endpoint.shutdown() }
    }

    /// Checks that every endpoint can be routed (no collisions, RESTful
    /// patterns unless `disable_rest`), as `krakend check -t` does.
    public static func checkRoutes(_ config: ServiceConfig) throws(ConfigError) {
        _ = try buildRouter(config) { _ in 0 }
    }

    static func buildRouter<Handler: Sendable>(_ config: ServiceConfig, handler: (EndpointConfig) throws(ConfigError) -> Handler) throws(ConfigError) -> Router<Handler> {
        var router = Router<Handler>(disableREST: config.disableRest)
        router.redirectTrailingSlash = !config.router.disableRedirectTrailingSlash
        router.redirectFixedPath = !config.router.disableRedirectFixedPath
        router.handleMethodNotAllowed = !config.router.disableHandleMethodNotAllowed
        router.removeExtraSlash = config.router.removeExtraSlash
        var problems: [ConfigProblem] = []
        for endpoint in config.endpoints {
            let built: Handler
            do { built = try handler(endpoint) } catch {
                problems += error.problems
                continue
            }
            do {
                try router.add(method: endpoint.method, path: endpoint.endpoint, handler: built)
            } catch {
                problems.append(ConfigProblem(path: endpoint.configPath + ".endpoint", message: error.description))
            }
        }
        if !problems.isEmpty { throw ConfigError(problems) }
        return router
    }

    static func makeRoute(_ endpoint: EndpointConfig, config: ServiceConfig, client: HTTPBackendClient, adapters: BackendAdapters,
                          responder: EndpointResponder, caches: SharedCaches, bodyLimit: Int) throws(ConfigError) -> Route {
        let forwarding = ParameterForwarding(inputHeaders: endpoint.inputHeaders, inputQueryStrings: endpoint.inputQueryStrings)
        let backends = try endpoint.backends.map { (backend) throws(ConfigError) in
            HTTPBackend(config: backend, endpointForwarding: forwarding, client: client, settings: config.client,
                        adapter: try adapters.adapter(for: backend))
        }
        if endpoint.outputEncoding == "no-op", let backend = backends.first {
            let pipe = NoOpEndpoint(backend: backend, config: endpoint, responder: responder)
            // An adapter rewrites the whole body, so it must be read first.
            let run: @Sendable (IncomingRequest, ResponseWriter) async -> Void = { await pipe.run($0, params: $0.params, writer: $1) }
            guard backend.adapter == nil else { return Route(bodyMode: .buffered(limit: bodyLimit), run: run) }
            return Route(bodyMode: .streamed, run: run, runOnLoop: { pipe.run($0, params: $0.params, writer: $1, on: $2) })
        }
        let pipe = try MergingEndpoint(pipes: backends.map { (b) throws(ConfigError) in try BackendPipe(backend: b, caches: caches) }, config: endpoint, responder: responder, bodyLimit: bodyLimit)
        var route = Route(bodyMode: .buffered(limit: bodyLimit), run: { await pipe.run($0, params: $0.params, writer: $1) })
        if pipe.runsOnLoop { route.runOnLoop = { pipe.run($0, params: $0.params, writer: $1, on: $2) } }
        return route
    }

    /// The proxy pipe of an endpoint that is not routed (a gRPC server
    /// method): its backends, called and merged as any endpoint's.
    public static func endpointProxy(_ endpoint: EndpointConfig, config: ServiceConfig, client: HTTPBackendClient,
                                     adapters: BackendAdapters, bodyLimit: Int = 64 << 20) throws(ConfigError) -> EndpointProxy {
        let forwarding = ParameterForwarding(inputHeaders: endpoint.inputHeaders, inputQueryStrings: endpoint.inputQueryStrings)
        let caches = SharedCaches()
        let pipes = try endpoint.backends.map { (backend) throws(ConfigError) in
            try BackendPipe(backend: HTTPBackend(config: backend, endpointForwarding: forwarding, client: client, settings: config.client,
                                                 adapter: try adapters.adapter(for: backend)), caches: caches)
        }
        return EndpointProxy(endpoint: try MergingEndpoint(pipes: pipes, config: endpoint, responder: EndpointResponder(router: config.router), bodyLimit: bodyLimit))
    }

    public func prepare(_ head: HTTPRequestHead, connection: ConnectionInfo) -> PreparedRequest {
        let uri = head.uri[...]
        let path = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { uri[..<$0] } ?? uri
        if let builtin = builtins.match(method: head.method, path: path) {
            return PreparedRequest(bodyMode: .buffered(limit: 1 << 20), run: builtin)
        }
        switch router.lookup(method: head.method.rawValue, path: path) {
        case .found(let route, let params):
            if let endpoint = route.upgrade {
                return PreparedRequest { request, channel in endpoint.answer(request, params: params, channel: channel) }
            }
            var prepared = PreparedRequest(bodyMode: route.bodyMode, run: route.run, runOnLoop: route.runOnLoop)
            prepared.params = params
            return prepared
        case .methodNotAllowed(let allowed):
            return respondNow { writer in self.routerError(writer, status: .methodNotAllowed, allow: allowed) }
        case .redirect(let location, let status):
            let target = location + (uri.firstIndex(of: "?").map { String(uri[$0...]) } ?? "")
            return respondNow { writer in
                var headers = HTTPHeaders()
                headers.add(name: "Location", value: target)
                headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
                let body = head.method == .GET ? "<a href=\"\(target)\">\(HTTPResponseStatus(statusCode: status).reasonPhrase)</a>.\n\n" : ""
                writer.respond(status: HTTPResponseStatus(statusCode: status), headers: headers, body: body.isEmpty ? nil : ByteBuffer(string: body))
            }
        case .notFound:
            return respondNow { writer in self.routerError(writer, status: .notFound, allow: []) }
        }
    }

    /// A request answered by the router itself; its body is read and dropped.
    private func respondNow(_ respond: @escaping @Sendable (ResponseWriter) -> Void) -> PreparedRequest {
        PreparedRequest(bodyMode: .buffered(limit: 1 << 20)) { _, writer in respond(writer) }
    }

    /// 404 and 405 as gin writes them, or the configured `error_body`.
    func routerError(_ writer: ResponseWriter, status: HTTPResponseStatus, allow: [String]) {
        var headers = HTTPHeaders()
        if status == .methodNotAllowed {
            headers.add(name: "X-Krakend-Completed", value: "false")
            if !allow.isEmpty { headers.add(name: "Allow", value: allow.joined(separator: ", ")) }
        }
        if let custom = errorBodies[String(status.code)] {
            headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            writer.respond(status: status, headers: headers, body: ByteBuffer(bytes: custom.jsonBytes))
            return
        }
        headers.add(name: "Content-Type", value: "text/plain")
        let text = status == .notFound ? "404 page not found" : "405 method not allowed"
        writer.respond(status: status, headers: headers, body: ByteBuffer(string: text))
    }
}

extension Gateway {
    /// The `extra_config` namespaces this gateway acts on today.
    public static let understoodNamespaces: Set<String> = [
        "router", "backend/http/client", "telemetry/logging", "proxy", "qos/http-cache", "backend/http",
    ]
}
