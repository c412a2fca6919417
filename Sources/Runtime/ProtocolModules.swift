import GatewayCore
import GatewayGRPC
import GatewayGraphQL
import GatewaySOAP
import GatewayWebSocket
import Logging
import NIOCore
import NIOPosix

/// The protocol modules wired into the gateway: the one list `run`, `check`,
/// the playground and the tests share.
public struct ProtocolModules: Sendable {
    public let adapters: BackendAdapters
    /// The service's gRPC catalog, loaded once for the backends and the server.
    public let catalog: GRPCCatalog
    /// Catalog conflicts and missing imports: `run` logs them.
    public let warnings: [String]

    /// Backend namespaces that rewrite an HTTP backend's request and answer;
    /// gRPC backends use the service's catalog, loaded here once.
    public static func load(for service: ServiceConfig) throws(ConfigError) -> ProtocolModules {
        let catalog = try GRPCBackend.catalog(of: service)
        let adapters = BackendAdapters([GraphQLBackend.adapter, SOAPBackend.adapter, GRPCBackend.adapter(catalog: catalog)])
        return ProtocolModules(adapters: adapters, catalog: catalog, warnings: catalog.warnings.map { "[SERVICE: gRPC] \($0)" })
    }

    /// The gRPC server, when `grpc.server` configures one.
    public func grpcServer(for service: ServiceConfig, client: HTTPBackendClient) throws(ConfigError) -> GRPCServer? {
        guard GRPCServer.isConfigured(service) else { return nil }
        return try GRPCServer(service: service, catalog: catalog, client: client, adapters: adapters)
    }

    /// Every problem of the modules' settings: errors stop the gateway,
    /// warnings are logged by `run` and fail `check`.
    public func problems(_ service: ServiceConfig) -> (errors: [ConfigProblem], warnings: [ConfigProblem]) {
        let endpoints = adapters.problems(service)
        let server = GRPCServer.problems(service: service, catalog: catalog, adapters: adapters)
        let factory = WebSocketModule.factory(group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "check"))
        let webSockets = service.endpoints.filter { $0.extraConfig[factory.namespace] != nil }.flatMap(factory.problems)
        return (endpoints.errors + server.errors + webSockets, endpoints.warnings + server.warnings)
    }

    /// Endpoints that protocol modules serve themselves (WebSockets).
    public static func upgrades(group: EventLoopGroup, logger: Logger) -> [UpgradeEndpointFactory] {
        [WebSocketModule.factory(group: group, logger: logger)]
    }

    /// Namespaces the modules read besides the adapters' own.
    public static let serviceNamespaces: Set<String> = [GRPCBackend.catalogNamespace, WebSocketModule.namespace]
}
