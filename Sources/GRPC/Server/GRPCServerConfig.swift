import GatewayCore

/// `extra_config.grpc.server`: the services and methods the gateway serves
/// over gRPC, each method read as an endpoint (its `backend` list, its
/// `input_headers`) whose `{params}` are its `payload_params`.
struct GRPCServerConfig {
    struct Method {
        let descriptor: MethodDescriptor
        let endpoint: EndpointConfig
        /// Message field (dot path) → `{param}`.
        let payloadParams: [(field: [Substring], param: String)]
        /// `auth/validator` is configured but not enforced yet: the method
        /// refuses every call rather than serve it unprotected.
        let requiresJWT: Bool
    }

    static let namespace = "grpc"

    var methods: [Method] = []
    /// What stops the gateway.
    var errors: [ConfigProblem] = []
    /// What `run` logs and `check` fails on.
    var warnings: [ConfigProblem] = []

    /// Whether the configuration has a gRPC server at all.
    static func isConfigured(_ service: ServiceConfig) -> Bool {
        service.extraConfig[namespace]?["server"] != nil
    }

    /// Every method that could be read, and every problem of the others.
    static func read(_ service: ServiceConfig, catalog: GRPCCatalog) -> GRPCServerConfig {
        var config = GRPCServerConfig()
        var problems: [ConfigProblem] = []
        let root = "extra_config.grpc.server"
        guard let server = service.extraConfig[namespace]?["server"] else { return config }
        guard let services = server["services"]?.arrayValue else {
            config.errors = [ConfigProblem(path: root + ".services", message: "a gRPC server needs a list of services")]
            return config
        }
        var seen = Set<String>()
        for (s, entry) in services.enumerated() {
            let servicePath = "\(root).services[\(s)]"
            guard let name = entry["name"]?.stringValue else {
                problems.append(ConfigProblem(path: servicePath + ".name", message: "missing: the full name of a catalog service (package.Service)"))
                continue
            }
            guard let descriptor = catalog.service(named: name) else {
                problems.append(ConfigProblem(path: servicePath + ".name", message: "the service \(name) is not in the catalog (extra_config.grpc.catalog)"))
                continue
            }
            for (m, methodEntry) in (entry["methods"]?.arrayValue ?? []).enumerated() {
                let path = "\(servicePath).methods[\(m)]"
                do {
                    guard let method = try readMethod(methodEntry, path: path, service: descriptor, config: service) else { continue }
                    if method.requiresJWT {
                        config.warnings.append(ConfigProblem(path: path + ".extra_config.auth/validator",
                            message: "JWT validation is not enforced by this gateway yet: \(method.descriptor.path) refuses every call (UNAUTHENTICATED)"))
                    }
                    if !seen.insert(method.descriptor.path).inserted {
                        problems.append(ConfigProblem(path: path + ".name", message: "\(method.descriptor.path) is already served"))
                        continue
                    }
                    config.methods.append(method)
                } catch {
                    problems += error.problems
                }
            }
        }
        config.errors = problems
        return config
    }

    static func readMethod(_ entry: Value, path: String, service: ServiceDescriptor, config: ServiceConfig) throws(ConfigError) -> Method? {
        guard let name = entry["name"]?.stringValue else {
            throw ConfigError(path: path + ".name", "missing: the name of a method of \(service.fullName)")
        }
        guard let descriptor = service.methods.first(where: { $0.name == name }) else {
            throw ConfigError(path: path + ".name", "\(service.fullName) has no method \(name)")
        }
        if descriptor.clientStreaming || descriptor.serverStreaming {
            throw ConfigError(path: path + ".name", "\(descriptor.path) is a streaming method: only unary methods can be served from backends")
        }
        var params: [(field: [Substring], param: String)] = []
        for (field, param) in entry["payload_params"]?.objectValue ?? [:] {
            guard let name = param.stringValue, !name.isEmpty else {
                throw ConfigError(path: path + ".payload_params." + field, "expected the name of a {param}, got \(param.typeName)")
            }
            params.append((field.split(separator: ".", omittingEmptySubsequences: false), name))
        }
        params.sort { $0.param < $1.param }
        // The method read as an endpoint, so its backends follow every endpoint rule.
        var object: [String: Value] = ["endpoint": .string(descriptor.path), "method": .string("POST")]
        for key in ["backend", "input_headers", "extra_config"] { object[key] = entry[key] }
        let endpoint = try ConfigParser.parseEndpoint(object, path: path, params: Set(params.map(\.param)), service: config)
        let requiresJWT = entry["extra_config"]?["auth/validator"] != nil
        return Method(descriptor: descriptor, endpoint: endpoint, payloadParams: params, requiresJWT: requiresJWT)
    }
}
