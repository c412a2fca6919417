import GatewayCore
import GatewayGRPC
import Logging
import NIOCore
import NIOPosix

/// A gateway serving one configuration on one port: its protocol modules,
/// the HTTP routes, WebSocket endpoints and, when configured, the gRPC
/// server. What `krakend run`, the playground and the tests start.
public final class RunningGateway: Sendable {
    public let server: GatewayServer
    public let gateway: Gateway
    public let client: HTTPBackendClient
    public let grpcServer: GRPCServer?
    public var port: Int { server.port }

    /// Builds everything `service` asks for, then listens. Configuration
    /// mistakes throw `ConfigError` before anything listens; module warnings
    /// are logged. A `::` listener falls back to every IPv4 address on a
    /// machine without IPv6.
    public static func start(_ service: ServiceConfig, settings: ServerSettings, logger: Logger,
                             group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> RunningGateway {
        let modules = try ProtocolModules.load(for: service)
        for warning in modules.warnings { logger.warning("\(warning)") }
        logIgnoredNamespaces(service, adapters: modules.adapters, logger: logger)
        let client = try HTTPBackendClient(settings: service.client, eventLoopGroup: group)
        let gateway: Gateway
        let grpcServer: GRPCServer?
        do {
            gateway = try Gateway(config: service, client: client, logger: logger, adapters: modules.adapters,
                                  upgrades: ProtocolModules.upgrades(group: group, logger: logger))
            grpcServer = try modules.grpcServer(for: service, client: client)
        } catch {
            await client.shutdown()  // a client must be shut down before it goes away
            throw error
        }
        let services = grpcServer.map { [$0] } ?? []
        func listen(on host: String) async throws -> GatewayServer {
            var settings = settings
            settings.host = host
            return try await GatewayServer.start(settings: settings, app: gateway, streamServices: services, group: group)
        }
        let server: GatewayServer
        do {
            do { server = try await listen(on: settings.host) } catch where settings.host == "::" { server = try await listen(on: "0.0.0.0") }
        } catch {
            await gateway.shutdown()
            await client.shutdown()
            throw error
        }
        for warning in modules.problems(service).warnings { logger.warning("\(warning)") }
        if let grpcServer {
            logger.info("gRPC server on the same port: \(grpcServer.serviceNames.count) services, reflection and health included")
        }
        return RunningGateway(server: server, gateway: gateway, client: client, grpcServer: grpcServer)
    }

    private init(server: GatewayServer, gateway: Gateway, client: HTTPBackendClient, grpcServer: GRPCServer?) {
        self.server = server
        self.gateway = gateway
        self.client = client
        self.grpcServer = grpcServer
    }

    /// Stops taking connections, drains the requests in flight (for at most
    /// `deadline`), then closes the backends' connections.
    public func stop(deadline: Duration = .seconds(30)) async {
        grpcServer?.beginShutdown()
        await server.shutdown(deadline: deadline)
        await gateway.shutdown()
        await client.shutdown()
    }

    /// Namespaces the gateway does not act on are ignored, as KrakenD ignores
    /// them (said at debug level).
    static func logIgnoredNamespaces(_ service: ServiceConfig, adapters: BackendAdapters, logger: Logger) {
        let understood = Gateway.understoodNamespaces.union(adapters.namespaces).union(ProtocolModules.serviceNamespaces)
        var seen = Set(service.extraConfig.keys)
        for e in service.endpoints {
            seen.formUnion(e.extraConfig.keys)
            for b in e.backends { seen.formUnion(b.extraConfig.keys) }
        }
        for namespace in seen.sorted() where !understood.contains(namespace) {
            logger.debug("ignoring the extra_config namespace \(namespace)")
        }
    }
}
