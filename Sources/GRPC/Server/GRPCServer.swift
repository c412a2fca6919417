import GatewayCore
import NIOCore
import NIOHPACK

/// The gateway's gRPC server (`extra_config.grpc.server`), on the port REST
/// uses: it takes the HTTP/2 streams whose content type is `application/grpc`
/// and serves the configured methods from their backends, plus server
/// reflection (v1 and v1alpha) and `grpc.health.v1.Health`, always.
public final class GRPCServer: HTTP2StreamService {
    /// The limits of each call.
    public struct Limits: Sendable {
        /// The largest request message accepted, after decompression (grpc's default: 4 MiB).
        public var maxReceiveMessageSize = 4 << 20
        public init() {}
    }

    static let acceptEncoding = "gzip"

    let limits: Limits
    let methods: [String: GRPCServerMethod]
    /// The services it serves, reflection and health included.
    public let serviceNames: Set<String>
    let health: GRPCHealthService
    /// What `run` logs and `check` fails on (`auth/validator` not enforced).
    public let warnings: [ConfigProblem]

    /// Whether the configuration asks for a gRPC server.
    public static func isConfigured(_ service: ServiceConfig) -> Bool { GRPCServerConfig.isConfigured(service) }

    /// Reads `grpc.server` against the catalog and builds every method's
    /// backends; throws every problem at once.
    public init(service: ServiceConfig, catalog: GRPCCatalog, client: HTTPBackendClient, adapters: BackendAdapters,
                limits: Limits = Limits()) throws(ConfigError) {
        let config = GRPCServerConfig.read(service, catalog: catalog)
        if !config.errors.isEmpty { throw ConfigError(config.errors) }
        var methods: [String: GRPCServerMethod] = [:]
        var problems: [ConfigProblem] = []
        for method in config.methods {
            if let passthrough = GRPCPassthrough.make(method, catalog: catalog) {
                methods[method.descriptor.path] = .unary(passthrough.call)
                continue
            }
            do {
                let proxy = try Gateway.endpointProxy(method.endpoint, config: service, client: client, adapters: adapters)
                let endpoint = GRPCMethodEndpoint(method, proxy: proxy, catalog: catalog)
                methods[method.descriptor.path] = .unary(endpoint.call)
            } catch {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw ConfigError(problems) }
        let configured = Set(config.methods.map { $0.descriptor.path.split(separator: "/")[0] }.map(String.init))
        let names = configured.union(GRPCReflectionService.names).union([GRPCHealthService.name])
        let builtin = Self.builtinCatalog
        health = GRPCHealthService(services: names)
        let reflection = GRPCReflectionService(catalogs: [catalog, builtin], services: Array(names))
        methods.merge(health.methods) { configuredMethod, _ in configuredMethod }
        methods.merge(reflection.methods) { configuredMethod, _ in configuredMethod }
        self.methods = methods
        self.serviceNames = names
        self.limits = limits
        self.warnings = config.warnings
    }

    /// The problems `check` reports, without building the backends: the
    /// server's settings against the catalog, and each method's backends'.
    public static func problems(service: ServiceConfig, catalog: GRPCCatalog, adapters: BackendAdapters) -> (errors: [ConfigProblem], warnings: [ConfigProblem]) {
        let config = GRPCServerConfig.read(service, catalog: catalog)
        var methodsAsEndpoints = service
        methodsAsEndpoints.endpoints = config.methods.map(\.endpoint)
        let problems = adapters.problems(methodsAsEndpoints)
        return (config.errors + problems.errors, problems.warnings + config.warnings)
    }

    /// The descriptors of the health and reflection services.
    static let builtinCatalog: GRPCCatalog = {
        let bytes = Base64.decode(BuiltinDescriptors.base64.filter { !$0.isWhitespace }) ?? []
        return (try? GRPCCatalog(descriptorSets: [(source: "builtin", bytes: bytes)])) ?? .empty
    }()

    // MARK: HTTP2StreamService

    public func accepts(_ headers: HPACKHeaders) -> Bool {
        guard let type = headers.first(name: "content-type") else { return false }
        return type.utf8.starts(with: "application/grpc".utf8)
    }

    public func configure(_ sync: ChannelPipeline.SynchronousOperations, connection: ConnectionInfo) throws {
        try sync.addHandler(GRPCServerStream(server: self, connection: connection))
    }

    /// Health turns NOT_SERVING and open watches end: call before the port drains.
    public func beginShutdown() { health.beginShutdown() }

    // MARK: routing

    func method(path: String) -> GRPCServerMethod? { methods[path] }

    /// grpc-go's words for a path nobody serves.
    func unknownMethodMessage(path: String) -> String {
        let parts = path.dropFirst().split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return "malformed method name: \"\(path)\"" }
        if serviceNames.contains(String(parts[0])) { return "unknown method \(parts[1]) for service \(parts[0])" }
        return "unknown service \(parts[0])"
    }
}
