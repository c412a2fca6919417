import NIOCore
import NIOSSL

/// Transport settings of the gRPC backend client.
public struct GRPCClientSettings: Sendable {
    /// TLS for every connection when set (targets without a scheme included);
    /// `https://` targets use TLS with system roots when unset.
    public var tls: GRPCClientTLS?
    /// The most bytes read from a socket at once.
    public var readBufferSize = 64 * 1024
    /// A connection with no call for this long is closed; zero keeps it open.
    public var idleConnectionTimeout: TimeAmount = .minutes(5)
    /// Larger response messages fail the call with RESOURCE_EXHAUSTED (the
    /// grpc-go default, 4 MiB).
    public var maxReceiveMessageSize = 4 * 1024 * 1024
    /// Bound on establishing a connection, besides each call's deadline.
    public var connectTimeout: TimeAmount = .seconds(20)

    public init() {}
}

/// The client side of TLS, as the gateway's `client_tls` section says it.
public struct GRPCClientTLS: Sendable {
    /// Accept any server certificate (`allow_insecure_connections`).
    public var allowInsecureConnections = false
    /// PEM files of extra trusted roots (`ca_certs`); system roots when empty.
    public var caFiles: [String] = []
    /// PEM files of a client certificate chain and its key, for mutual TLS.
    public var certificateFile: String?
    public var keyFile: String?

    public init(allowInsecureConnections: Bool = false, caFiles: [String] = [], certificateFile: String? = nil, keyFile: String? = nil) {
        self.allowInsecureConnections = allowInsecureConnections
        self.caFiles = caFiles
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The NIOSSL configuration, offering only "h2" by ALPN as gRPC requires.
    func configuration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.applicationProtocols = ["h2"]
        if allowInsecureConnections { tls.certificateVerification = .none }
        if !caFiles.isEmpty {
            tls.trustRoots = .certificates(try caFiles.flatMap { try NIOSSLCertificate.fromPEMFile($0) })
        }
        if let certificateFile, let keyFile {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        }
        return tls
    }
}
