/// The gateway's configuration: a krakend.json (version 3) after parsing,
/// inheritance and validation. Built once at start-up; read-only afterwards.
public struct ServiceConfig: Sendable {
    public var name = "KrakenD configuration"
    public var port = 8080
    /// Empty means every interface.
    public var listenIP = ""
    /// Default hosts for backends that declare none.
    public var host: [String] = []
    /// Default endpoint timeout.
    public var timeout: Duration = .seconds(2)
    public var cacheTTL: Duration = .zero
    public var outputEncoding = "json"

    // HTTP server settings (zero means no limit, as in Go's http.Server).
    public var readTimeout: Duration = .zero
    public var readHeaderTimeout: Duration = .zero
    public var writeTimeout: Duration = .zero
    public var idleTimeout: Duration = .zero
    public var maxHeaderBytes = 1_000_000
    public var useH2C = false
    public var disableRest = false
    public var debugEndpoint = false
    public var echoEndpoint = false
    public var tls: ServerTLSConfig?

    // HTTP client settings, shared by every HTTP backend.
    public var client = HTTPClientSettings()

    public var router = RouterOptions()
    /// Raw `extra_config`, one entry per namespace, for the component that owns it.
    public var extraConfig: [String: Value] = [:]
    public var endpoints: [EndpointConfig] = []

    public init() {}
}

/// One entry of `endpoints`: what the client sees.
public struct EndpointConfig: Sendable {
    public var endpoint: String
    public var method = "GET"
    public var backends: [BackendConfig] = []
    public var timeout: Duration
    public var cacheTTL: Duration
    public var outputEncoding: String
    /// `nil` when absent: no client header reaches the backends.
    public var inputHeaders: [String] = []
    public var inputQueryStrings: [String] = []
    public var concurrentCalls = 1
    public var extraConfig: [String: Value] = [:]
    /// Where it is in the file, for error messages: `endpoints[3]`.
    public var configPath: String

    public init(endpoint: String, timeout: Duration, cacheTTL: Duration, outputEncoding: String, configPath: String) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.cacheTTL = cacheTTL
        self.outputEncoding = outputEncoding
        self.configPath = configPath
    }
}

/// One entry of an endpoint's `backend` list: what the gateway calls.
public struct BackendConfig: Sendable {
    public var host: [String] = []
    public var urlPattern: String
    public var method: String
    public var encoding = "json"
    public var group: String?
    public var target: String?
    public var allow: [String] = []
    public var deny: [String] = []
    public var mapping: [String: String] = [:]
    public var isCollection = false
    public var disableHostSanitize = false
    /// A second header filter; `nil` means "what the endpoint allows".
    public var inputHeaders: [String]?
    public var inputQueryStrings: [String]?
    public var sd = "static"
    /// Per-backend timeout; `nil` means the endpoint's.
    public var timeout: Duration?
    public var extraConfig: [String: Value] = [:]
    public var configPath: String

    public init(urlPattern: String, method: String, configPath: String) {
        self.urlPattern = urlPattern
        self.method = method
        self.configPath = configPath
    }
}

/// The root `tls` section: HTTPS (with HTTP/2 over ALPN) on the gateway port.
public struct ServerTLSConfig: Sendable {
    public struct KeyPair: Sendable {
        public var publicKey: String
        public var privateKey: String
    }
    public var keys: [KeyPair] = []
    public var minVersion = "TLS13"
    public var maxVersion = "TLS13"
    public var enableMTLS = false
    public var caCerts: [String] = []
}

/// Root-level transport settings for every HTTP backend connection.
public struct HTTPClientSettings: Sendable {
    public var dialerTimeout: Duration = .zero
    public var disableCompression = false
    public var disableKeepAlives = false
    public var maxIdleConnectionsPerHost = 250
    public var idleConnectionTimeout: Duration = .zero
    public var responseHeaderTimeout: Duration = .zero
    public var allowInsecureConnections = false
    public var caCerts: [String] = []
}

/// `extra_config.router`: options of the router layer.
public struct RouterOptions: Sendable {
    public var returnErrorMessage = false
    public var hideVersionHeader = false
    public var disableHealth = false
    public var healthPath = "/__health"
    public var disableRedirectTrailingSlash = false
    public var disableRedirectFixedPath = false
    public var disableHandleMethodNotAllowed = false
    public var disablePathDecoding = false
    public var autoOptions = false
    public var removeExtraSlash = false
    public var disableAccessLog = false
    public var loggerSkipPaths: [String] = []
    /// Custom bodies for 404 and 405, keyed by status text ("404").
    public var errorBody: [String: Value] = [:]
    public var forwardedByClientIP = false
    public var remoteIPHeaders: [String] = []
    public var trustedProxies: [String] = []

    public init() {}
}
