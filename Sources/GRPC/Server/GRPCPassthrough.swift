import GatewayCore
import NIOCore
import NIOHTTP1
import Synchronization

/// A served method whose only backend is a gRPC method taking and returning
/// the same message types, with nothing in between that reads the data (no
/// manipulation, no `payload_params`, the whole request as the body): the
/// request and answer bytes pass as they are. Same answers as decoding and
/// re-encoding them, less work, and fields the catalog does not know survive.
final class GRPCPassthrough: Sendable {
    let backend: GRPCBackend
    let forwarding: ParameterForwarding
    let hosts: [String]
    let timeout: Duration
    private let nextHost = Atomic<Int>(0)

    private init(backend: GRPCBackend, forwarding: ParameterForwarding, hosts: [String], timeout: Duration) {
        self.backend = backend
        self.forwarding = forwarding
        self.hosts = hosts
        self.timeout = timeout
    }

    /// The passthrough for `method`, or `nil` when something would read or change the data.
    static func make(_ method: GRPCServerConfig.Method, catalog: GRPCCatalog) -> GRPCPassthrough? {
        let endpoint = method.endpoint
        guard !method.requiresJWT, method.payloadParams.isEmpty, endpoint.concurrentCalls == 1,
              endpoint.extraConfig.keys.allSatisfy({ $0 == "auth/validator" }),
              endpoint.backends.count == 1, let config = endpoint.backends.first, !config.host.isEmpty,
              Set(config.extraConfig.keys) == [GRPCBackend.namespace],
              config.allow.isEmpty, config.deny.isEmpty, config.mapping.isEmpty,
              config.target == nil, config.group == nil, !config.isCollection,
              let section = config.extraConfig[GRPCBackend.namespace],
              section["use_request_body"]?.boolValue == true, section["input_mapping"]?.objectValue?.isEmpty ?? true,
              let backendMethod = catalog.method(path: config.urlPattern),
              backendMethod.input === method.descriptor.input, backendMethod.output === method.descriptor.output,
              let backend = try? GRPCBackend(config, catalog: catalog)
        else { return nil }
        // An allowed header named like a request field would fill it when the
        // message leaves it unset: that reads the data, so no passthrough.
        let headers = (config.inputHeaders ?? endpoint.inputHeaders).map { $0.lowercased() }
        if headers.contains("*") || headers.contains(where: { method.descriptor.input.field(named: $0) != nil }) { return nil }
        var timeout = endpoint.timeout
        if let own = config.timeout, own < timeout { timeout = own }
        let forwarding = ParameterForwarding(inputHeaders: endpoint.inputHeaders, inputQueryStrings: [])
            .narrowed(byHeaders: config.inputHeaders, queryStrings: nil)
        return GRPCPassthrough(backend: backend, forwarding: forwarding, hosts: config.host, timeout: timeout)
    }

    func call(_ request: GRPCServerRequest) -> EventLoopFuture<GRPCServerAnswer> {
        let context = RequestContext(method: "POST", path: request.path, headers: GRPCMethodEndpoint.httpHeaders(request.headers),
                                     params: [:], connection: request.connection)
        let headers = forwarding.backendHeaders(client: context.headers, clientIP: context.clientIP, host: context.host, addAcceptEncoding: false)
        var deadline = NIODeadline.now() + TimeAmount(timeout)
        if let clientDeadline = request.deadline, clientDeadline < deadline { deadline = clientDeadline }
        let host = hosts.count == 1 ? hosts[0] : hosts[(nextHost.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max) % hosts.count]
        return backend.call(host: host, message: request.message, metadata: backend.metadata(from: headers), deadline: deadline, on: request.eventLoop)
            .map { response in
                guard response.status == .ok else {
                    let trailers = response.details.map { [("grpc-status-details-bin", Base64.encode($0))] } ?? []
                    return .failure(response.status, response.message, trailers: trailers)
                }
                return .ok(response.body ?? ByteBuffer(), headers: [("x-krakend-completed", "true")])
            }
            .recover { error in
                let failure = GRPCCallError.of(error)
                return .failure(failure.code, failure.message)
            }
    }
}
