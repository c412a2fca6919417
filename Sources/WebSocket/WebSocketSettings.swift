import GatewayCore
import NIOCore

/// The `websocket` namespace of an endpoint, with the schema's defaults
/// (websocket.json), and the backend hosts it connects to.
struct WebSocketSettings: Sendable {
    static let namespace = "websocket"

    var inputHeaders: [String] = []
    var connectEvent = false
    var disconnectEvent = false
    var directCommunication = false
    var readBufferSize = 1024
    var writeBufferSize = 1024
    var messageBufferSize = 256
    var maxMessageSize = 512
    var writeWait = Duration.seconds(10)
    var pongWait = Duration.seconds(60)
    var pingPeriod = Duration.seconds(54)
    /// Direct mode's read deadline on the backend; never under a minute.
    var timeout = Duration.seconds(300)
    var maxRetries = 0
    var backoff = Backoff.Strategy.fallback
    var returnErrorDetails = false
    var subprotocols: [String] = []

    /// Backend URLs (`ws://host:port/path?query`), one per host of the first backend.
    var backendURLs: [WebSocketURL] = []

    /// Reads the endpoint's namespace and backend; every problem with its path.
    init(endpoint: EndpointConfig) throws(ConfigError) {
        let path = "\(endpoint.configPath).extra_config.websocket"
        var problems: [ConfigProblem] = []
        func problem(_ key: String, _ message: String) { problems.append(ConfigProblem(path: "\(path).\(key)", message: message)) }
        guard let object = endpoint.extraConfig[Self.namespace]?.objectValue else {
            throw ConfigError(path: path, "expected an object")
        }
        func bool(_ key: String, _ into: inout Bool) {
            guard let v = object[key] else { return }
            if let b = v.boolValue { into = b } else { problem(key, "expected boolean, got \(v.typeName)") }
        }
        func int(_ key: String, _ into: inout Int, minimum: Int? = nil) {
            guard let v = object[key] else { return }
            guard let i = v.intValue else { return problem(key, "expected integer, got \(v.typeName)") }
            if let minimum, i < minimum { return problem(key, "must be at least \(minimum)") }
            into = i
        }
        func duration(_ key: String, _ into: inout Duration) {
            guard let v = object[key] else { return }
            guard let text = v.stringValue, let d = GoDuration.parse(text), d > .zero else {
                return problem(key, "expected a positive duration such as \"10s\"")
            }
            into = d
        }
        func strings(_ key: String, _ into: inout [String]) {
            guard let v = object[key] else { return }
            guard let list = v.arrayValue?.compactMap(\.stringValue), list.count == v.arrayValue?.count else {
                return problem(key, "expected an array of strings")
            }
            into = list
        }
        strings("input_headers", &inputHeaders)
        strings("subprotocols", &subprotocols)
        bool("connect_event", &connectEvent)
        bool("disconnect_event", &disconnectEvent)
        bool("enable_direct_communication", &directCommunication)
        bool("return_error_details", &returnErrorDetails)
        int("read_buffer_size", &readBufferSize, minimum: 1)
        int("write_buffer_size", &writeBufferSize, minimum: 1)
        int("message_buffer_size", &messageBufferSize, minimum: 1)
        int("max_message_size", &maxMessageSize, minimum: 1)
        int("max_retries", &maxRetries)
        duration("write_wait", &writeWait)
        duration("pong_wait", &pongWait)
        duration("ping_period", &pingPeriod)
        duration("timeout", &timeout)
        timeout = max(timeout, .seconds(60))
        if let v = object["backoff_strategy"] {
            if let name = v.stringValue, let strategy = Backoff.Strategy(rawValue: name) { backoff = strategy }
            else { problem("backoff_strategy", "expected one of \(Backoff.Strategy.allCases.map(\.rawValue).joined(separator: ", "))") }
        }

        if endpoint.method != "GET" {
            problems.append(ConfigProblem(path: "\(endpoint.configPath).method", message: "a websocket endpoint answers GET only"))
        }
        if let backend = endpoint.backends.first {
            for (i, host) in backend.host.enumerated() {
                if let url = WebSocketURL(host: host, urlPattern: backend.urlPattern) { backendURLs.append(url) }
                else {
                    problems.append(ConfigProblem(path: "\(backend.configPath).host[\(i)]",
                                                  message: "a websocket backend host needs the ws:// or wss:// scheme, got \(host)"))
                }
            }
            if backend.host.isEmpty {
                problems.append(ConfigProblem(path: "\(backend.configPath).host", message: "a websocket endpoint needs at least one ws:// or wss:// host"))
            }
        } else {
            problems.append(ConfigProblem(path: "\(endpoint.configPath).backend", message: "a websocket endpoint needs a backend"))
        }
        if endpoint.backends.count > 1 {
            problems.append(ConfigProblem(path: "\(endpoint.configPath).backend", message: "a websocket endpoint uses one backend; the others would be ignored"))
        }
        if !problems.isEmpty { throw ConfigError(problems) }
    }

    /// What the WebSocket layer allows the backend to see: the namespace's
    /// `input_headers` (the endpoint's own do not apply) and the endpoint's
    /// `input_query_strings`.
    func forwarding(endpoint: EndpointConfig) -> ParameterForwarding {
        ParameterForwarding(inputHeaders: inputHeaders, inputQueryStrings: endpoint.inputQueryStrings)
    }
}

/// A backend address: `ws://host:port/path?query` or `wss://…`.
struct WebSocketURL: Sendable, Equatable, CustomStringConvertible {
    var tls: Bool
    var host: String
    var port: Int
    /// The host's own path prefix, if it has one (`ws://host/prefix`).
    var basePath: String
    /// Path and query as the request line carries them (`url_pattern`).
    var target: String

    init?(host raw: String, urlPattern: String) {
        let lower = raw.lowercased()
        if lower.hasPrefix("ws://") { tls = false } else if lower.hasPrefix("wss://") { tls = true } else { return nil }
        var authority = Substring(raw.dropFirst(tls ? 6 : 5))
        var basePath = ""
        if let slash = authority.firstIndex(of: "/") {
            basePath = String(authority[slash...])
            authority = authority[..<slash]
        }
        if basePath.hasSuffix("/") { basePath.removeLast() }
        var defaultPort = tls ? 443 : 80
        var name = String(authority)
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            name = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            if rest.hasPrefix(":") { guard let p = Int(rest.dropFirst()) else { return nil }; defaultPort = p }
        } else if let colon = authority.lastIndex(of: ":") {
            name = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]) else { return nil }
            defaultPort = p
        }
        guard !name.isEmpty, (1...65535).contains(defaultPort) else { return nil }
        host = name
        port = defaultPort
        self.basePath = basePath
        target = ""
        self = with(urlPattern: urlPattern)
    }

    /// The same host with another `url_pattern` (a direct client's own path).
    func with(urlPattern: String) -> WebSocketURL {
        var url = self
        url.target = basePath + (urlPattern.hasPrefix("/") ? urlPattern : "/" + urlPattern)
        return url
    }

    /// The `Host` header: the port only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (tls ? 443 : 80) ? name : "\(name):\(port)"
    }

    var description: String { "\(tls ? "wss" : "ws")://\(hostHeader)\(target)" }
}
