import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// Opens WebSocket connections to a backend: TCP (TLS for `wss://`), the
/// HTTP/1.1 upgrade, then a `WebSocketPeer` in the client role.
struct BackendDialer: Sendable {
    let limits: WebSocketLimits
    let readBufferSize: Int
    let tls: NIOSSLContext?
    let connectTimeout: Duration

    struct DialError: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects to `url` with `headers`; the future gives the open connection,
    /// its peer already holding `events`.
    func dial(_ url: WebSocketURL, headers: HTTPHeaders, subprotocols: [String], events: WebSocketPeer.Events,
              on loop: EventLoop) -> EventLoopFuture<WebSocketConnection> {
        let upgraded = loop.makePromise(of: WebSocketConnection.self)
        let limits = self.limits
        let tls = url.tls ? self.tls : nil
        let serverName = url.host
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: readBufferSize, maximum: max(readBufferSize, 1 << 16)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls {
                        let isAddress = (try? SocketAddress(ipAddress: serverName, port: 0)) != nil
                        try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : serverName))
                    }
                    let watcher = HandshakeWatcher(promise: upgraded)
                    let boundWatcher = NIOLoopBound(watcher, eventLoop: channel.eventLoop)
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: min(limits.maxMessageSize, Int(UInt32.max)), automaticErrorHandling: false) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let sync = channel.pipeline.syncOperations
                            sync.removeHandler(boundWatcher.value, promise: nil)
                            let peer = WebSocketPeer(role: .client, limits: limits)
                            peer.events = events
                            try sync.addHandler(peer)
                            upgraded.succeed(WebSocketConnection(channel: channel, peer: peer))
                        }
                    }
                    try sync.addHTTPClientHandlers(withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try sync.addHandler(watcher)
                }
            }
        let target = url.target
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: headers)
        head.headers.replaceOrAdd(name: "Host", value: url.hostHeader)
        if !subprotocols.isEmpty { head.headers.replaceOrAdd(name: "Sec-WebSocket-Protocol", value: subprotocols.joined(separator: ", ")) }
        let request = head
        bootstrap.connect(host: url.host, port: url.port).whenComplete { result in
            switch result {
            case .success(let channel):
                channel.write(HTTPClientRequestPart.head(request), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                let timeout = loop.scheduleTask(in: TimeAmount(limits.writeWait)) {
                    upgraded.fail(DialError(description: "no WebSocket handshake within \(limits.writeWait)"))
                    channel.close(promise: nil)
                }
                upgraded.futureResult.whenComplete { _ in timeout.cancel() }
            case .failure(let error):
                upgraded.fail(DialError(description: Self.describe(error, url: url)))
            }
        }
        return upgraded.futureResult
    }
}

extension BackendDialer {
    /// A connection failure in Go's words, as KrakenD logs it:
    /// `dial tcp 127.0.0.1:8081: connect: connection refused`.
    static func describe(_ error: Error, url: WebSocketURL) -> String {
        let address = "\(url.host.contains(":") ? "[\(url.host)]" : url.host):\(url.port)"
        if let connection = error as? NIOConnectionError {
            if let failure = connection.connectionErrors.first, let io = failure.error as? IOError {
                return "dial tcp \(address): connect: \(String(cString: strerror(io.errnoCode)).lowercased())"
            }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return "dial tcp: lookup \(url.host): no such host"
            }
        }
        if error is ChannelError { return "dial tcp \(address): i/o timeout" }
        return "dial tcp \(address): \(error)"
    }
}

/// Fails the handshake when the backend answers anything but `101`, or goes
/// away before: the upgrade machinery only reports those as errors or a
/// plain HTTP response.
private final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    let promise: EventLoopPromise<WebSocketConnection>

    init(promise: EventLoopPromise<WebSocketConnection>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            promise.fail(BackendDialer.DialError(description: "bad handshake: the backend answered \(head.status.code)"))
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise.fail(BackendDialer.DialError(description: "bad handshake: \(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(BackendDialer.DialError(description: "the backend closed the connection during the handshake"))
        context.fireChannelInactive()
    }
}
