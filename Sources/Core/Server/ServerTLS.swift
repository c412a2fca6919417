import NIOSSL

extension ServerTLSConfig {
    /// The server TLS context for the `tls` section: the first key pair,
    /// ALPN offering h2 then http/1.1, the configured TLS versions.
    public func makeContext() throws -> NIOSSLContext {
        guard let pair = keys.first else { throw ConfigError(path: "tls.keys", "no key pair configured") }
        let chain = try NIOSSLCertificate.fromPEMFile(pair.publicKey).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: pair.privateKey, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.applicationProtocols = ["h2", "http/1.1"]
        configuration.minimumTLSVersion = Self.tlsVersion(minVersion) ?? .tlsv12
        configuration.maximumTLSVersion = Self.tlsVersion(maxVersion)
        return try NIOSSLContext(configuration: configuration)
    }

    static func tlsVersion(_ name: String) -> TLSVersion? {
        switch name {
        case "TLS10": return .tlsv1
        case "TLS11": return .tlsv11
        case "TLS12": return .tlsv12
        case "TLS13": return .tlsv13
        default: return nil
        }
    }
}

extension ServerSettings {
    /// The listener settings a configuration asks for.
    public init(_ config: ServiceConfig) throws {
        self.init()
        host = config.listenIP.isEmpty ? "::" : config.listenIP
        port = config.port
        readTimeout = config.readTimeout
        readHeaderTimeout = config.readHeaderTimeout
        writeTimeout = config.writeTimeout
        idleTimeout = config.idleTimeout
        maxHeaderBytes = config.maxHeaderBytes
        tls = try config.tls?.makeContext()
    }
}
