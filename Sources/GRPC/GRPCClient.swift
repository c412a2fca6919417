import NIOCore
import NIOHPACK
import NIOPosix
import NIOSSL

/// Unary gRPC calls to backends over HTTP/2, one multiplexed connection per
/// event loop and backend: a call runs on the loop it was made from, on that
/// loop's connection, so the hot path takes no lock and crosses no thread.
///
/// Targets: `host:port` or `http://host:port` speak HTTP/2 in clear text by
/// prior knowledge (h2c); `https://host:port`, or any target once
/// `settings.tls` is set, speak TLS with ALPN "h2".
public final class GRPCClient: Sendable {
    private let group: EventLoopGroup
    private let settings: GRPCClientSettings
    private let pools: [ObjectIdentifier: GRPCConnections]

    /// Throws when the TLS settings cannot be loaded (unreadable CA or key files).
    public init(group: EventLoopGroup, settings: GRPCClientSettings = GRPCClientSettings()) throws {
        self.group = group
        self.settings = settings
        let tls = try (settings.tls ?? GRPCClientTLS()).configuration()
        let tlsContext = try NIOSSLContext(configuration: tls)
        var pools: [ObjectIdentifier: GRPCConnections] = [:]
        for loop in group.makeIterator() {
            pools[ObjectIdentifier(loop)] = GRPCConnections(eventLoop: loop, settings: settings, tlsContext: tlsContext)
        }
        self.pools = pools
    }

    /// Calls `path` (`/package.Service/Method`) on `host` with one serialized
    /// request message, and reads the whole answer before `deadline`. The
    /// future completes on `loop`: with the server's status (OK or not), or
    /// failed with a `GRPCCallError` (DEADLINE_EXCEEDED, UNAVAILABLE,
    /// RESOURCE_EXHAUSTED, INTERNAL...). `metadata` names are lowercased;
    /// values of `-bin` keys must already be base64.
    public func unary(
        host: String, path: String, message: ByteBuffer, metadata: [(String, String)],
        deadline: NIODeadline, on loop: EventLoop
    ) -> EventLoopFuture<GRPCUnaryResponse> {
        guard let endpoint = Self.endpoint(host, defaultTLS: settings.tls != nil) else {
            return loop.makeFailedFuture(GRPCCallError(.unavailable, "invalid target \"\(host)\""))
        }
        let target = pools[ObjectIdentifier(loop)] != nil ? loop : group.next()
        let pool = pools[ObjectIdentifier(target)]!
        let headers = Self.requestHeaders(endpoint: endpoint, path: path, metadata: metadata, deadline: deadline)
        let maxReceive = settings.maxReceiveMessageSize
        let future: EventLoopFuture<GRPCUnaryResponse>
        if target.inEventLoop {
            future = Self.start(pool, endpoint, headers, message, maxReceive, deadline)
        } else {
            future = target.flatSubmit { Self.start(pool, endpoint, headers, message, maxReceive, deadline) }
        }
        return target === loop ? future : future.hop(to: loop)
    }

    public func unary(
        host: String, path: String, message: [UInt8], metadata: [(String, String)],
        deadline: NIODeadline, on loop: EventLoop
    ) -> EventLoopFuture<GRPCUnaryResponse> {
        unary(host: host, path: path, message: ByteBuffer(bytes: message), metadata: metadata, deadline: deadline, on: loop)
    }

    /// Closes every connection.
    public func shutdown() async {
        for (_, pool) in pools {
            try? await pool.eventLoop.submit { pool.closeAll() }.get()
        }
    }

    private static func start(
        _ pool: GRPCConnections, _ endpoint: GRPCEndpoint, _ headers: HPACKHeaders, _ message: ByteBuffer,
        _ maxReceive: Int, _ deadline: NIODeadline
    ) -> EventLoopFuture<GRPCUnaryResponse> {
        let loop = pool.eventLoop
        let call = GRPCUnaryCallHandler(
            requestHeaders: headers, message: message, maxReceiveMessageSize: maxReceive,
            promise: loop.makePromise(of: GRPCUnaryResponse.self))
        // Armed first: the deadline bounds connecting and waiting for a stream too.
        let boundCall = NIOLoopBound(call, eventLoop: loop)
        let timer = loop.scheduleTask(deadline: deadline) { boundCall.value.expire() }
        call.futureResult.whenComplete { _ in timer.cancel() }
        pool.start(call, to: endpoint, deadline: deadline)
        return call.futureResult
    }

    static func requestHeaders(endpoint: GRPCEndpoint, path: String, metadata: [(String, String)], deadline: NIODeadline) -> HPACKHeaders {
        var headers: HPACKHeaders = [
            ":method": "POST",
            ":scheme": endpoint.useTLS ? "https" : "http",
            ":path": path,
            ":authority": endpoint.authority,
            "content-type": "application/grpc",
            "te": "trailers",
            "grpc-timeout": GRPCTimeout.header(for: deadline),
            "grpc-accept-encoding": "gzip",
        ]
        for (name, value) in metadata {
            let name = name.lowercased()
            // The transport's own headers are not the caller's to set; a bad
            // name would make the HTTP/2 layer reject the whole request.
            guard !name.isEmpty, !GRPCMetadata.isReserved(name), name.utf8.allSatisfy(Self.isHeaderNameByte) else { continue }
            headers.add(name: name, value: value)
        }
        return headers
    }

    private static func isHeaderNameByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// `host:port`, `http://host:port`, `https://host`, `[::1]:port`; the
    /// port defaults to 443 with TLS and 80 without.
    static func endpoint(_ target: String, defaultTLS: Bool) -> GRPCEndpoint? {
        var rest = Substring(target)
        var useTLS = defaultTLS
        if rest.hasPrefix("https://") {
            useTLS = true
            rest = rest.dropFirst(8)
        } else if rest.hasPrefix("http://") {
            rest = rest.dropFirst(7)
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        guard !rest.isEmpty else { return nil }
        let authority = String(rest)
        var host = rest
        var port = useTLS ? 443 : 80
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let p = Int(rest[rest.index(after: colon)...]) else { return nil }
            port = p
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        return GRPCEndpoint(host: String(host), port: port, useTLS: useTLS, authority: authority)
    }
}
