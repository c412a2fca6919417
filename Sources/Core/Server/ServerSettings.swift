import NIOSSL

/// How the listener behaves: address, limits and timeouts (zero: none).
public struct ServerSettings: Sendable {
    public var host = "0.0.0.0"
    public var port = 8080
    public var readTimeout: Duration = .zero
    public var readHeaderTimeout: Duration = .zero
    public var writeTimeout: Duration = .zero
    public var idleTimeout: Duration = .zero
    public var maxHeaderBytes = 1_000_000
    /// TLS with ALPN (h2, http/1.1); `nil` for plain HTTP/1.1 and h2c.
    public var tls: NIOSSLContext?

    public init() {}
}
