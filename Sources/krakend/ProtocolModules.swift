import GatewayCore
import GatewayGRPC
import GatewayGraphQL
import GatewaySOAP
import GatewayWebSocket

/// The protocol modules wired into the gateway: the one list `run`, `check`
/// and the tests share.
enum ProtocolModules {
    /// Backend namespaces that rewrite an HTTP backend's request and answer.
    static let adapters = BackendAdapters([GraphQLBackend.adapter])

    /// Namespaces of modules still to come: `run` says they are ignored.
    static let planned = GRPCNamespaces.all + SOAPNamespaces.all + WebSocketNamespaces.all
}
