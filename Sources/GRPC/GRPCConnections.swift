import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL

/// Where a call goes: the connection key.
struct GRPCEndpoint: Hashable, Sendable {
    var host: String
    var port: Int
    var useTLS: Bool
    /// `:authority`: the target as the caller named it, without the scheme.
    var authority: String
}

/// The HTTP/2 connections of one event loop, one per endpoint, shared by all
/// the loop's calls to it. Every method runs on that loop (the client hops
/// there first), which is what makes the unchecked Sendable safe.
final class GRPCConnections: @unchecked Sendable {
    private enum Entry {
        case connecting(EventLoopFuture<GRPCConnection>)
        case ready(GRPCConnection)
    }

    let eventLoop: EventLoop
    private let settings: GRPCClientSettings
    private let tlsContext: NIOSSLContext?
    private var entries: [GRPCEndpoint: Entry] = [:]
    private var closed = false

    init(eventLoop: EventLoop, settings: GRPCClientSettings, tlsContext: NIOSSLContext?) {
        self.eventLoop = eventLoop
        self.settings = settings
        self.tlsContext = tlsContext
    }

    func start(_ call: GRPCUnaryCallHandler, to endpoint: GRPCEndpoint, deadline: NIODeadline) {
        eventLoop.assertInEventLoop()
        let boundCall = NIOLoopBound(call, eventLoop: eventLoop)
        connection(to: endpoint, deadline: deadline).whenComplete { result in
            let call = boundCall.value
            guard !call.isDone else { return }
            switch result {
            case .success(let connection) where connection.isUsable:
                connection.start(call)
            case .success:
                call.fail(GRPCCallError(.unavailable, "the connection closed before the call could start"))
            case .failure(let error):
                call.fail(GRPCCallError(.unavailable, "connection error: \(error)"))
            }
        }
    }

    private func connection(to endpoint: GRPCEndpoint, deadline: NIODeadline) -> EventLoopFuture<GRPCConnection> {
        switch entries[endpoint] {
        case .ready(let connection) where connection.isUsable:
            return eventLoop.makeSucceededFuture(connection)
        case .connecting(let future):
            return future
        default:
            break
        }
        guard !closed else { return eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel) }
        let future = connect(endpoint, deadline: deadline)
        entries[endpoint] = .connecting(future)
        future.whenComplete { result in
            guard case .connecting(let pending)? = self.entries[endpoint], pending === future else { return }
            switch result {
            case .success(let connection) where connection.isUsable:
                self.entries[endpoint] = .ready(connection)
                connection.onUnusable = { [weak connection] in
                    // Forget it, unless a newer connection took its place already.
                    if case .ready(let current)? = self.entries[endpoint], current === connection {
                        self.entries[endpoint] = nil
                    }
                }
            default:
                // Failed: the next call tries again, as grpc-go reconnects on demand.
                self.entries[endpoint] = nil
            }
        }
        return future
    }

    private func connect(_ endpoint: GRPCEndpoint, deadline: NIODeadline) -> EventLoopFuture<GRPCConnection> {
        let tlsContext: NIOSSLContext?
        if endpoint.useTLS {
            guard let context = self.tlsContext else {
                return eventLoop.makeFailedFuture(GRPCCallError(.unavailable, "no TLS configuration"))
            }
            tlsContext = context
        } else {
            tlsContext = nil
        }
        // SNI takes names only; an IP address is checked against the chain alone.
        let serverName = endpoint.host.isIPAddress ? nil : endpoint.host
        let readBufferSize = max(1024, settings.readBufferSize)
        let idleTimeout = settings.idleConnectionTimeout
        let timeout = max(min(settings.connectTimeout, deadline - .now()), .milliseconds(1))
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(
                minimum: 64, initial: min(2048, readBufferSize), maximum: readBufferSize))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tlsContext {
                        try sync.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    var connectionConfiguration = NIOHTTP2Handler.ConnectionConfiguration()
                    connectionConfiguration.initialSettings = [
                        HTTP2Setting(parameter: .maxConcurrentStreams, value: 100),
                        HTTP2Setting(parameter: .initialWindowSize, value: 1 << 20),
                        HTTP2Setting(parameter: .maxHeaderListSize, value: 16 << 10),
                        HTTP2Setting(parameter: .enablePush, value: 0),
                    ]
                    connectionConfiguration.targetWindowSize = 4 << 20
                    var streamConfiguration = NIOHTTP2Handler.StreamConfiguration()
                    streamConfiguration.targetWindowSize = 1 << 20
                    // The rapid-reset limits protect servers from clients. A backend
                    // may end every answer with RST_STREAM(NO_ERROR) (RFC 9113 8.1,
                    // nginx does): that must not cost the connection.
                    streamConfiguration.streamResetFrameRateLimit.maximumCount = .max
                    streamConfiguration.streamErrorRateLimit.maximumCount = .max
                    _ = try sync.configureHTTP2Pipeline(
                        mode: .client,
                        connectionConfiguration: connectionConfiguration,
                        streamConfiguration: streamConfiguration
                    ) { stream in
                        // Servers do not open streams in gRPC: refuse any.
                        stream.close()
                    }
                    try sync.addHandler(GRPCGoAwayHandler())
                }
            }
        return bootstrap.connect(host: endpoint.host, port: endpoint.port).flatMapThrowing { channel in
            let sync = channel.pipeline.syncOperations
            let http2 = try sync.handler(type: NIOHTTP2Handler.self)
            let connection = GRPCConnection(channel: channel, multiplexer: try http2.syncMultiplexer(), idleTimeout: idleTimeout)
            try sync.handler(type: GRPCGoAwayHandler.self).connection = connection
            return connection
        }
    }

    func closeAll() {
        closed = true
        for (_, entry) in entries {
            switch entry {
            case .ready(let connection): connection.close()
            case .connecting(let future): future.whenSuccess { $0.close() }
            }
        }
        entries = [:]
    }
}

extension String {
    /// An IPv4 or IPv6 literal, which TLS must not send as SNI.
    var isIPAddress: Bool {
        (try? SocketAddress(ipAddress: self, port: 0)) != nil
    }
}
