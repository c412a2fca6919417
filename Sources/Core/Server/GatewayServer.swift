import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import NIOTLS

/// The listener: one port that speaks HTTP/1.1, HTTP/2 with prior knowledge
/// (h2c) and, with TLS, both over ALPN; every request goes to the `HTTPApplication`.
public final class GatewayServer: Sendable {
    private let settings: ServerSettings
    private let app: HTTPApplication
    private let group: EventLoopGroup
    private let channel: Channel
    private let quiesce: ServerQuiescingHelper

    /// The port actually bound (useful with port 0).
    public var port: Int { channel.localAddress?.port ?? settings.port }

    private init(settings: ServerSettings, app: HTTPApplication, group: EventLoopGroup, channel: Channel, quiesce: ServerQuiescingHelper) {
        self.settings = settings
        self.app = app
        self.group = group
        self.channel = channel
        self.quiesce = quiesce
    }

    /// Starts listening. `streamServices` take the HTTP/2 streams they accept
    /// (gRPC) before the HTTP application sees them.
    public static func start(settings: ServerSettings, app: HTTPApplication, streamServices: [any HTTP2StreamService] = [],
                             group: EventLoopGroup) async throws -> GatewayServer {
        let quiesce = ServerQuiescingHelper(group: group)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configureConnection(channel, settings: settings, app: app, services: streamServices)
                }
            }
        let channel = try await bootstrap.bind(host: settings.host, port: settings.port).get()
        return GatewayServer(settings: settings, app: app, group: group, channel: channel, quiesce: quiesce)
    }

    /// Stops accepting, lets in-flight requests finish (idle keep-alive
    /// connections are closed), and returns when every connection is gone or
    /// `deadline` passed.
    public func shutdown(deadline: Duration = .seconds(30)) async {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        quiesce.initiateShutdown(promise: promise)
        let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(deadline)) {
            promise.succeed(())
        }
        try? await promise.futureResult.get()
        timeout.cancel()
    }

    // MARK: pipelines

    static func configureConnection(_ channel: Channel, settings: ServerSettings, app: HTTPApplication, services: [any HTTP2StreamService]) throws {
        let sync = channel.pipeline.syncOperations
        if let tls = settings.tls {
            try sync.addHandler(NIOSSLServerHandler(context: tls))
            try sync.addHandler(ApplicationProtocolNegotiationHandler { result, channel in
                channel.eventLoop.makeCompletedFuture {
                    switch result {
                    case .negotiated("h2"):
                        try configureHTTP2(channel.pipeline.syncOperations, channel: channel, settings: settings, app: app, services: services, isTLS: true)
                    default:
                        try configureHTTP1(channel.pipeline.syncOperations, settings: settings, app: app, isTLS: true)
                    }
                }
            })
        } else {
            try sync.addHandler(ProtocolSniffer(
                http1: { try configureHTTP1($0, settings: settings, app: app, isTLS: false) },
                http2: { try configureHTTP2($0, channel: channel, settings: settings, app: app, services: services, isTLS: false) }
            ))
        }
    }

    static func configureHTTP1(_ sync: ChannelPipeline.SynchronousOperations, settings: ServerSettings, app: HTTPApplication, isTLS: Bool) throws {
        let codec = HTTP1ServerCodec(maxHeaderBytes: settings.maxHeaderBytes)
        try sync.addHandler(codec)
        try sync.addHandler(HTTPRequestHandler(app: app, settings: settings, isHTTP2: false, isTLS: isTLS, httpHandlers: [codec]))
    }

    static func configureHTTP2(_ sync: ChannelPipeline.SynchronousOperations, channel: Channel, settings: ServerSettings, app: HTTPApplication,
                               services: [any HTTP2StreamService], isTLS: Bool) throws {
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings.append(HTTP2Setting(parameter: .maxHeaderListSize, value: min(settings.maxHeaderBytes, 1 << 24)))
        let idle = settings.idleTimeout > .zero ? settings.idleTimeout : settings.readTimeout
        let lifecycle = HTTP2ConnectionLifecycle(idleTimeout: idle > .zero ? TimeAmount(idle) : nil)
        let tracked = NIOLoopBound(lifecycle, eventLoop: channel.eventLoop)
        _ = try sync.configureHTTP2Pipeline(
            mode: .server, connectionConfiguration: connection, streamConfiguration: .init(), position: .last,
            inboundStreamInitializer: { stream in
                stream.eventLoop.makeCompletedFuture {
                    tracked.value.streamOpened(try? stream.syncOptions?.getOption(HTTP2StreamChannelOptions.streamID))
                    stream.closeFuture.whenComplete { _ in tracked.value.streamClosed() }
                    let http = { (streamSync: ChannelPipeline.SynchronousOperations) throws in
                        try streamSync.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                        try streamSync.addHandler(HTTPRequestHandler(app: app, settings: settings, isHTTP2: true, isTLS: isTLS))
                    }
                    let connection = ConnectionInfo(remoteAddress: channel.remoteAddress, isHTTP2: true, isTLS: isTLS)
                    try stream.pipeline.syncOperations.addHandler(HTTP2StreamDispatcher(services: services, connection: connection, http: http))
                }
            })
        try sync.addHandler(lifecycle)
        try sync.addHandler(HTTP2ConnectionErrorHandler())
    }
}

