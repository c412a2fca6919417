import GatewayCore
import GatewayGRPC
import GatewayGraphQL
import GatewaySOAP
import GatewayWebSocket

/// The protocol modules wired into the gateway: the one list `run`, `check`
/// and the tests share.
enum ProtocolModules {
    /// Backend namespaces that rewrite an HTTP backend's request and answer;
    /// gRPC backends use the service's catalog, loaded here once.
    static func adapters(for service: ServiceConfig) throws(ConfigError) -> (adapters: BackendAdapters, warnings: [String]) {
        let catalog = try GRPCBackend.catalog(of: service)
        let adapters = BackendAdapters([GraphQLBackend.adapter, SOAPBackend.adapter, GRPCBackend.adapter(catalog: catalog)])
        return (adapters, catalog.warnings.map { "[SERVICE: gRPC] \($0)" })
    }

    /// Service namespaces the modules read besides the adapters' own.
    static let serviceNamespaces: Set<String> = [GRPCBackend.catalogNamespace]

    /// Namespaces of modules still to come: `run` says they are ignored.
    static let planned = WebSocketNamespaces.all
}
