/// Turns a krakend.json document (already read into a `Value`) into a
/// `ServiceConfig`: types checked, KrakenD's inheritance applied, every
/// problem collected with its path.
///
/// Unknown keys are ignored here, as `krakend run` ignores them; `krakend check --lint`
/// reports them through `SchemaLinter`.
public enum ConfigParser {
    public static let outputEncodings = ["json", "fast-json", "json-collection", "xml", "yaml", "negotiate", "string", "no-op"]
    public static let backendEncodings = ["json", "safejson", "fast-json", "xml", "rss", "string", "no-op", "yaml"]
    public static let endpointMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    public static let backendMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "CONNECT", "TRACE"]

    public static func parse(_ document: Value, environment: [String: String] = [:]) throws(ConfigError) -> ServiceConfig {
        guard case .object(var rootObject) = document else {
            throw ConfigError("the configuration must be an object, got \(document.typeName)")
        }
        let problems = ProblemList()
        EnvironmentOverrides.apply(environment, to: &rootObject, problems: problems)
        let root = ObjectReader(object: rootObject, path: "", problems: problems)
        var config = ServiceConfig()

        switch root.object["version"] {
        case nil: problems.add("version", "missing: this gateway reads version 3 configurations")
        case let v? where v.intValue == 3: break
        case let v?: problems.add("version", "unsupported version \(v.jsonLikeText): this gateway reads version 3 configurations")
        }
        readService(root, into: &config)
        for (index, endpointReader) in (root.objects("endpoints") ?? []).enumerated() {
            if let endpoint = readEndpoint(endpointReader, index: index, service: config) {
                config.endpoints.append(endpoint)
            }
        }
        if !problems.items.isEmpty { throw ConfigError(problems.items) }
        return config
    }

    /// An endpoint that lives outside `endpoints` (a gRPC server method), read
    /// by the same rules; `params` are the `{names}` its backends may use
    /// besides the ones in its path.
    public static func parseEndpoint(_ object: [String: Value], path: String, params: Set<String>, service: ServiceConfig) throws(ConfigError) -> EndpointConfig {
        let problems = ProblemList()
        let endpoint = readEndpoint(ObjectReader(object: object, path: path, problems: problems), index: 0, service: service, extraParams: params)
        if !problems.items.isEmpty { throw ConfigError(problems.items) }
        guard let endpoint else { throw ConfigError(path: path, "not an endpoint") }
        return endpoint
    }

    static func readService(_ root: ObjectReader, into config: inout ServiceConfig) {
        if let v = root.string("name") { config.name = v }
        if let v = root.int("port") {
            if (0...65535).contains(v) { config.port = v } else { root.problem("port", "must be between 0 and 65535, got \(v)") }
        }
        if let v = root.string("listen_ip") { config.listenIP = v }
        if let v = root.strings("host") { config.host = v }
        if let v = root.duration("timeout") { config.timeout = v }
        if let v = root.duration("cache_ttl") { config.cacheTTL = v }
        if let v = root.oneOf("output_encoding", outputEncodings) { config.outputEncoding = v }
        if let v = root.duration("read_timeout") { config.readTimeout = v }
        if let v = root.duration("read_header_timeout") { config.readHeaderTimeout = v }
        if let v = root.duration("write_timeout") { config.writeTimeout = v }
        if let v = root.duration("idle_timeout") { config.idleTimeout = v }
        if let v = root.int("max_header_bytes"), v > 0 { config.maxHeaderBytes = v }
        if let v = root.bool("use_h2c") { config.useH2C = v }
        if let v = root.bool("disable_rest") { config.disableRest = v }
        if let v = root.bool("debug_endpoint") { config.debugEndpoint = v }
        if let v = root.bool("echo_endpoint") { config.echoEndpoint = v }
        if let tls = root.object("tls") { config.tls = readTLS(tls) }

        if let v = root.duration("dialer_timeout") { config.client.dialerTimeout = v }
        if let v = root.bool("disable_compression") { config.client.disableCompression = v }
        if let v = root.bool("disable_keep_alives") { config.client.disableKeepAlives = v }
        if let v = root.int("max_idle_connections_per_host"), v > 0 { config.client.maxIdleConnectionsPerHost = v }
        if let v = root.duration("idle_connection_timeout") { config.client.idleConnectionTimeout = v }
        if let v = root.duration("response_header_timeout") { config.client.responseHeaderTimeout = v }
        if let clientTLS = root.object("client_tls") {
            if let v = clientTLS.bool("allow_insecure_connections") { config.client.allowInsecureConnections = v }
            if let v = clientTLS.strings("ca_certs") { config.client.caCerts = v }
        }

        config.extraConfig = root.object("extra_config")?.object ?? [:]
        if let router = root.object("extra_config")?.object("router") { config.router = readRouter(router) }
    }

    static func readTLS(_ tls: ObjectReader) -> ServerTLSConfig? {
        if tls.bool("disabled") == true { return nil }
        var out = ServerTLSConfig()
        for key in tls.objects("keys") ?? [] {
            if let pub = key.string("public_key"), let priv = key.string("private_key") {
                out.keys.append(.init(publicKey: pub, privateKey: priv))
            } else {
                key.problems.add(key.path, "a TLS key needs public_key and private_key")
            }
        }
        // Older configurations put a single pair at the top of the section.
        if let pub = tls.string("public_key"), let priv = tls.string("private_key") {
            out.keys.append(.init(publicKey: pub, privateKey: priv))
        }
        if out.keys.isEmpty { tls.problems.add(tls.path, "TLS is enabled but no keys are configured (tls.keys)") }
        let versions = ["SSL3.0", "TLS10", "TLS11", "TLS12", "TLS13"]
        if let v = tls.oneOf("min_version", versions) { out.minVersion = v }
        if let v = tls.oneOf("max_version", versions) { out.maxVersion = v }
        if let v = tls.bool("enable_mtls") { out.enableMTLS = v }
        if let v = tls.strings("ca_certs") { out.caCerts = v }
        return out
    }

    static func readRouter(_ r: ObjectReader) -> RouterOptions {
        var o = RouterOptions()
        if let v = r.bool("return_error_msg") { o.returnErrorMessage = v }
        if let v = r.bool("hide_version_header") { o.hideVersionHeader = v }
        if let v = r.bool("disable_health") { o.disableHealth = v }
        if let v = r.string("health_path") { o.healthPath = v }
        if let v = r.bool("disable_redirect_trailing_slash") { o.disableRedirectTrailingSlash = v }
        if let v = r.bool("disable_redirect_fixed_path") { o.disableRedirectFixedPath = v }
        if let v = r.bool("disable_handle_method_not_allowed") { o.disableHandleMethodNotAllowed = v }
        if let v = r.bool("disable_path_decoding") { o.disablePathDecoding = v }
        if let v = r.bool("auto_options") { o.autoOptions = v }
        if let v = r.bool("remove_extra_slash") { o.removeExtraSlash = v }
        if let v = r.bool("disable_access_log") { o.disableAccessLog = v }
        if let v = r.strings("logger_skip_paths") { o.loggerSkipPaths = v }
        if let v = r.object("error_body") { o.errorBody = v.object }
        if let v = r.bool("forwarded_by_client_ip") { o.forwardedByClientIP = v }
        if let v = r.strings("remote_ip_headers") { o.remoteIPHeaders = v }
        if let v = r.strings("trusted_proxies") { o.trustedProxies = v }
        return o
    }

    static func readEndpoint(_ e: ObjectReader, index: Int, service: ServiceConfig, extraParams: Set<String> = []) -> EndpointConfig? {
        guard let path = e.string("endpoint") else {
            if !e.has("endpoint") { e.problems.add(e.path, "missing \"endpoint\"") }
            return nil
        }
        if !path.hasPrefix("/") { e.problem("endpoint", "must start with \"/\", got \"\(path)\"") }
        var endpoint = EndpointConfig(
            endpoint: path, timeout: service.timeout, cacheTTL: service.cacheTTL,
            outputEncoding: service.outputEncoding, configPath: e.path)
        if let m = e.string("method") {
            let upper = m.uppercased()
            if endpointMethods.contains(upper) { endpoint.method = upper } else {
                e.problem("method", "\"\(m)\" is not one of: \(endpointMethods.joined(separator: ", "))")
            }
        }
        if let v = e.duration("timeout") { endpoint.timeout = v }
        if let v = e.duration("cache_ttl") { endpoint.cacheTTL = v }
        if let v = e.oneOf("output_encoding", outputEncodings) { endpoint.outputEncoding = v }
        // Version-2 names are read when the version-3 ones are absent.
        if let v = e.strings("input_headers") ?? e.strings("headers_to_pass") { endpoint.inputHeaders = v }
        if let v = e.strings("input_query_strings") ?? e.strings("querystring_params") { endpoint.inputQueryStrings = v }
        if let v = e.int("concurrent_calls") { endpoint.concurrentCalls = max(1, v) }
        endpoint.extraConfig = e.object("extra_config")?.object ?? [:]

        guard let backendReaders = e.objects("backend") else {
            e.problems.add(e.path, "endpoint \(endpoint.method) \(path) has no \"backend\" list")
            return endpoint
        }
        if backendReaders.isEmpty { e.problem("backend", "endpoint \(endpoint.method) \(path) needs at least one backend") }
        let isSequential = endpoint.extraConfig["proxy"]?["sequential"]?.boolValue == true
        let endpointParams = Set(URLPattern.parameterNames(in: path)).union(extraParams)
        for b in backendReaders {
            if let backend = readBackend(b, endpoint: endpoint, service: service, endpointParams: endpointParams, sequential: isSequential) {
                endpoint.backends.append(backend)
            }
        }
        if endpoint.outputEncoding == "no-op" {
            if endpoint.backends.count > 1 {
                e.problem("backend", "a no-op endpoint has exactly one backend, got \(endpoint.backends.count)")
            }
            for i in endpoint.backends.indices { endpoint.backends[i].encoding = "no-op" }
        }
        return endpoint
    }

    static func readBackend(_ b: ObjectReader, endpoint: EndpointConfig, service: ServiceConfig,
                            endpointParams: Set<String>, sequential: Bool) -> BackendConfig? {
        guard let rawPattern = b.string("url_pattern") else {
            if !b.has("url_pattern") { b.problems.add(b.path, "missing \"url_pattern\"") }
            return nil
        }
        let pattern = rawPattern.hasPrefix("/") ? rawPattern : "/" + rawPattern
        var backend = BackendConfig(urlPattern: pattern, method: endpoint.method, configPath: b.path)
        if let m = b.string("method") {
            let upper = m.uppercased()
            if backendMethods.contains(upper) { backend.method = upper } else {
                b.problem("method", "\"\(m)\" is not one of: \(backendMethods.joined(separator: ", "))")
            }
        }
        if let v = b.oneOf("encoding", backendEncodings) { backend.encoding = v }
        if let v = b.bool("disable_host_sanitize") { backend.disableHostSanitize = v }
        let hosts = b.strings("host") ?? []
        backend.host = (hosts.isEmpty ? service.host : hosts).map {
            backend.disableHostSanitize ? $0 : sanitizeHost($0)
        }
        if backend.host.isEmpty {
            b.problems.add(b.path, "no host: set \"host\" in the backend or at the root of the configuration")
        }
        backend.group = b.string("group")
        backend.target = b.string("target")
        if let v = b.strings("allow") ?? b.strings("whitelist") { backend.allow = v }
        if let v = b.strings("deny") ?? b.strings("blacklist") { backend.deny = v }
        if let m = b.object("mapping") {
            for (k, v) in m.object {
                if case .string(let s) = v { backend.mapping[k] = s } else { m.problem(k, "expected string, got \(v.typeName)") }
            }
        }
        if let v = b.bool("is_collection") { backend.isCollection = v }
        backend.inputHeaders = b.strings("input_headers") ?? b.strings("headers_to_pass")
        backend.inputQueryStrings = b.strings("input_query_strings") ?? b.strings("querystring_params")
        if let v = b.oneOf("sd", ["static", "dns", "dns-shared"]) { backend.sd = v }
        backend.timeout = b.duration("timeout")
        backend.extraConfig = b.object("extra_config")?.object ?? [:]

        for name in URLPattern.parameterNames(in: pattern) where !endpointParams.contains(name) {
            if isPropagatedName(name, sequential: sequential) { continue }
            b.problem("url_pattern", "undefined parameter {\(name)}: the endpoint \(endpoint.endpoint) declares \(endpointParams.isEmpty ? "none" : endpointParams.sorted().map { "{\($0)}" }.joined(separator: ", "))")
        }
        return backend
    }

    /// Names that other components fill in: sequential responses (`resp0_id`),
    /// JWT claims (`JWT.sub`) and, on Enterprise, request headers.
    static func isPropagatedName(_ name: String, sequential: Bool) -> Bool {
        if name.hasPrefix("JWT.") || name.hasPrefix("input_headers.") { return true }
        if sequential, name.hasPrefix("resp") {
            let rest = name.dropFirst(4)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            return !digits.isEmpty && rest.dropFirst(digits.count).first == "_"
        }
        return false
    }

    /// KrakenD's host sanitizing: a scheme when there is none, no trailing slash.
    static func sanitizeHost(_ host: String) -> String {
        var h = host
        if !h.contains("://") { h = "http://" + h }
        while h.hasSuffix("/") { h.removeLast() }
        return h
    }
}

extension Value {
    /// A short rendering for messages.
    var jsonLikeText: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .number(let n): return n
        case .bool(let b): return String(b)
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
