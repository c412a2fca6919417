import NIOCore
import NIOHPACK
import NIOHTTP2

/// One HTTP/2 connection to a backend, carrying every concurrent call of its
/// event loop to that backend as streams. All methods run on that loop.
final class GRPCConnection: @unchecked Sendable {
    let channel: Channel
    private let multiplexer: NIOHTTP2Handler.StreamMultiplexer
    private let idleTimeout: TimeAmount
    private var openStreams = 0
    private var idleTimer: Scheduled<Void>?
    /// GOAWAY received: no new streams here; closed once the open ones end.
    private(set) var isDraining = false
    /// Told when the connection must no longer get new calls.
    var onUnusable: (() -> Void)?

    init(channel: Channel, multiplexer: NIOHTTP2Handler.StreamMultiplexer, idleTimeout: TimeAmount) {
        self.channel = channel
        self.multiplexer = multiplexer
        self.idleTimeout = idleTimeout
        channel.closeFuture.whenComplete { _ in
            self.idleTimer?.cancel()
            self.onUnusable?()
            self.onUnusable = nil
        }
        armIdleTimer()
    }

    var isUsable: Bool { channel.isActive && !isDraining }

    /// Opens a stream for the call; its handler sends the request once the
    /// stream is active.
    func start(_ call: GRPCUnaryCallHandler) {
        channel.eventLoop.assertInEventLoop()
        openStreams += 1
        idleTimer?.cancel()
        idleTimer = nil
        let loop = channel.eventLoop
        let boundCall = NIOLoopBound(call, eventLoop: loop)
        multiplexer.createStreamChannel { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(boundCall.value)
            }
        }.whenFailure { error in
            boundCall.value.fail(GRPCCallError(.unavailable, "failed to open an HTTP/2 stream: \(error)"))
        }
        call.futureResult.whenComplete { _ in
            self.openStreams -= 1
            if self.openStreams == 0 {
                if self.isDraining { self.channel.close(promise: nil) } else { self.armIdleTimer() }
            }
        }
    }

    /// The server sent GOAWAY: calls already running finish; new ones go to a
    /// new connection.
    func receivedGoAway() {
        guard !isDraining else { return }
        isDraining = true
        onUnusable?()
        onUnusable = nil
        if openStreams == 0 { channel.close(promise: nil) }
    }

    private func armIdleTimer() {
        guard idleTimeout > .zero else { return }
        idleTimer = channel.eventLoop.scheduleTask(in: idleTimeout) {
            if self.openStreams == 0 { self.channel.close(promise: nil) }
        }
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Sits after the HTTP/2 handler, where the connection's own frames (stream
/// 0) arrive, to learn of GOAWAY.
final class GRPCGoAwayHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame

    /// Set once the connection object exists (after the pipeline is built).
    var connection: GRPCConnection?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .goAway = unwrapInboundIn(data).payload {
            connection?.receivedGoAway()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A connection-level protocol error: the HTTP/2 handler has already
        // sent GOAWAY; closing fails the open streams, which report UNAVAILABLE.
        context.close(promise: nil)
    }
}
