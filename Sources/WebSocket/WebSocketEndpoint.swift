import Foundation
import GatewayCore
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOWebSocket

/// An endpoint with the `websocket` namespace: clients upgrade on its route,
/// and their messages reach the backend multiplexed over one connection (the
/// default) or over one connection each (`enable_direct_communication`).
final class WebSocketEndpoint: UpgradeEndpoint {
    private let endpoint: EndpointConfig
    private let settings: WebSocketSettings
    private let forwarding: ParameterForwarding
    private let dialer: BackendDialer
    private let clientLimits: WebSocketLimits
    private let hub: MultiplexHub?
    private let backendPattern: URLPattern
    private let group: EventLoopGroup
    private let logger: Logger

    init(endpoint: EndpointConfig, service: ServiceConfig, group: EventLoopGroup, logger: Logger) throws(ConfigError) {
        let settings = try WebSocketSettings(endpoint: endpoint)
        self.endpoint = endpoint
        self.settings = settings
        self.forwarding = settings.forwarding(endpoint: endpoint)
        self.group = group
        self.logger = logger
        backendPattern = URLPattern(endpoint.backends[0].urlPattern)
        clientLimits = WebSocketLimits(
            maxMessageSize: settings.maxMessageSize, fragmentSize: settings.writeBufferSize, pingPeriod: settings.pingPeriod,
            readDeadline: settings.pongWait, writeWait: settings.writeWait, outboundMessageLimit: settings.messageBufferSize)
        var backendLimits = clientLimits
        backendLimits.outboundMessageLimit = .max
        if settings.directCommunication {
            backendLimits.readDeadline = settings.timeout
        } else {
            // Envelopes carry the body in base64 and the session around it.
            backendLimits.maxMessageSize = settings.maxMessageSize / 3 * 4 + 4096
        }
        let tls: NIOSSLContext?
        if settings.backendURLs.contains(where: \.tls) {
            let configuration = try service.client.makeTLSConfiguration()
            do { tls = try NIOSSLContext(configuration: configuration) } catch {
                throw ConfigError(path: "\(endpoint.configPath).backend[0].host", "cannot set up TLS for wss://: \(error)")
            }
        } else {
            tls = nil
        }
        let connectTimeout = service.client.dialerTimeout > .zero ? service.client.dialerTimeout : .seconds(10)
        dialer = BackendDialer(limits: backendLimits, readBufferSize: settings.readBufferSize, tls: tls, connectTimeout: connectTimeout)
        hub = settings.directCommunication ? nil : MultiplexHub(settings: settings, logger: logger)
    }

    func start() {
        guard let hub else { return }
        let options = BackendLink.Options(
            urls: settings.backendURLs, headers: forwarding.backendHeaders(client: [:], clientIP: nil, host: nil, addAcceptEncoding: false),
            subprotocols: [], backoff: Backoff(strategy: settings.backoff, maxRetries: settings.maxRetries), handshake: true)
        hub.attach(BackendLink(options: options, dialer: dialer, loop: group.next(), logger: logger,
                               onMessage: { hub.fromBackend($0) },
                               onGiveUp: { }))
    }

    func shutdown() async {
        hub?.stop()
    }

    // MARK: a client arrives

    func answer(_ request: IncomingRequest, params: [(name: String, value: String)], channel: Channel) -> EventLoopFuture<UpgradeAnswer> {
        let head = request.head
        if let refusal = ClientHandshake.refusal(head) { return channel.eventLoop.makeSucceededFuture(refusal) }
        if hub?.isGone == true {
            return channel.eventLoop.makeSucceededFuture(.refuse(status: .badGateway, headers: ["Content-Type": "text/plain; charset=utf-8"], body: nil))
        }
        var extra = HTTPHeaders()
        let subprotocol = ClientHandshake.subprotocol(head, supported: settings.subprotocols)
        if let subprotocol { extra.add(name: "Sec-WebSocket-Protocol", value: subprotocol) }
        let deflate = PerMessageDeflate.negotiate(head.headers)
        if let deflate { extra.add(name: "Sec-WebSocket-Extensions", value: deflate.responseHeader) }
        let answerHeaders = extra
        let upgrader = NIOWebSocketServerUpgrader(shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(answerHeaders) },
                                                  upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() })
        let session = sessionFields(request, params: params)
        return upgrader.buildUpgradeResponse(channel: channel, upgradeRequest: head, initialResponseHeaders: [:])
            .map { headers in
                .switchProtocols(headers: headers) { channel in
                    try self.connect(channel, request: request, params: params, session: session, subprotocol: subprotocol, deflate: deflate)
                }
            }
            .flatMapErrorThrowing { _ in ClientHandshake.refuse(.badRequest) }
    }

    /// Adds the frame handlers to an upgraded client connection and joins it
    /// to the hub, or opens its own backend connection.
    private func connect(_ channel: Channel, request: IncomingRequest, params: [(name: String, value: String)],
                         session fields: (url: String, fields: [String: Value]), subprotocol: String?,
                         deflate: PerMessageDeflate?) throws {
        let sync = channel.pipeline.syncOperations
        let readSize = settings.readBufferSize
        try channel.syncOptions?.setOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: readSize, maximum: max(readSize, 1 << 16)))
        let peer = WebSocketPeer(role: .server, limits: clientLimits, deflate: deflate)
        let maxFrameSize = deflate == nil ? clientLimits.maxMessageSize : clientLimits.maxCompressedSize
        try sync.addHandler(WebSocketFrameEncoder())
        try sync.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: min(maxFrameSize, Int(UInt32.max)))))
        try sync.addHandler(peer)
        let connection = WebSocketConnection(channel: channel, peer: peer)
        guard case .string(let uuid)? = fields.fields["uuid"] else { return }
        let session = ClientSession(uuid: uuid, url: fields.url, fields: fields.fields, connection: connection, bufferLimit: settings.messageBufferSize)
        if let hub {
            peer.events = WebSocketPeer.Events(onMessage: { hub.fromClient(session, $0) }, onClose: { _ in hub.leave(session) })
            hub.join(session)
        } else {
            let link = directLink(for: session, request: request, params: params, subprotocol: subprotocol, loop: channel.eventLoop)
            let returnErrors = settings.returnErrorDetails
            peer.events = WebSocketPeer.Events(onMessage: { session.send($0, through: link, returnErrors: returnErrors) },
                                               onClose: { _ in link.stop() })
            link.start()
        }
    }

    /// Direct communication: the client's own backend connection, with its
    /// `{params}`, allowed headers and query strings. When it cannot be had
    /// the client is kicked out.
    private func directLink(for session: ClientSession, request: IncomingRequest, params: [(name: String, value: String)],
                            subprotocol: String?, loop: EventLoop) -> BackendLink {
        let path = backendPattern.render { name, inQuery in
            params.first { $0.name == name }.map { URLPattern.escape($0.value, inQuery: inQuery) }
        }
        let query = forwarding.backendQuery(QueryString(parsing: request.head.uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""))
        let urls = settings.backendURLs.map { url in
            var url = url.with(urlPattern: path)
            if !query.isEmpty { url.target += (url.target.contains("?") ? "&" : "?") + query.encoded() }
            return url
        }
        var headers = forwarding.backendHeaders(client: request.head.headers, clientIP: request.connection.clientIP,
                                                host: request.head.headers.first(name: "host"), addAcceptEncoding: false)
        for name in ["Sec-WebSocket-Extensions", "Sec-WebSocket-Version", "Sec-WebSocket-Key", "Sec-WebSocket-Protocol"] {
            headers.remove(name: name)
        }
        let options = BackendLink.Options(urls: urls, headers: headers, subprotocols: subprotocol.map { [$0] } ?? [],
                                          backoff: Backoff(strategy: settings.backoff, maxRetries: settings.maxRetries), handshake: false)
        let connection = session.connection
        return BackendLink(options: options, dialer: dialer, loop: loop, logger: logger,
                           onMessage: { connection.send($0) },
                           onClosedByBackend: { info in connection.close(code: info.code ?? 1000, reason: info.reason) },
                           onGiveUp: { connection.close(code: 1011, reason: "backend unavailable") })
    }

    /// The envelope's `url` and `session` for a new client.
    private func sessionFields(_ request: IncomingRequest, params: [(name: String, value: String)]) -> (url: String, fields: [String: Value]) {
        let uri = request.head.uri
        let url = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        var fields: [String: Value] = [:]
        let query = forwarding.backendQuery(QueryString(parsing: uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""))
        for (key, value) in query.pairs where fields[key] == nil { fields[key] = .string(value) }
        for (name, value) in request.head.headers where forwarding.allows(header: name) {
            let canonical = CanonicalHeader.name(name)
            if !Self.neverForwarded.contains(canonical.lowercased()), fields[canonical] == nil { fields[canonical] = .string(value) }
        }
        for (name, value) in params { fields[ClientSession.fieldName(param: name)] = .string(value) }
        fields["uuid"] = .string(UUID().uuidString.lowercased())
        return (url, fields)
    }

    /// Headers that stay with the client whatever `input_headers` says.
    static let neverForwarded: Set<String> = [
        "upgrade", "connection", "sec-websocket-extensions", "sec-websocket-version", "sec-websocket-key", "host",
    ]
}

/// The `websocket` namespace, for the executable to register.
public enum WebSocketModule {
    public static let namespace = WebSocketSettings.namespace

    public static func factory(group: EventLoopGroup, logger: Logger) -> UpgradeEndpointFactory {
        UpgradeEndpointFactory(
            namespace: namespace,
            make: { (endpoint, service) throws(ConfigError) in try WebSocketEndpoint(endpoint: endpoint, service: service, group: group, logger: logger) },
            problems: { endpoint in
                do throws(ConfigError) { _ = try WebSocketSettings(endpoint: endpoint) } catch { return error.problems }
                return []
            })
    }
}
