import NIOCore
import NIOHTTP2

/// The life of one HTTP/2 connection beyond its frames: graceful shutdown
/// (GOAWAY, then close once the open streams are done) and Go's idle rule
/// (close after `idleTimeout` without an open stream). Streams are counted by
/// the stream initializer, so every stream is seen open and closed exactly once.
final class HTTP2ConnectionLifecycle: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private let idleTimeout: TimeAmount?
    private var context: ChannelHandlerContext?
    private var openStreams = 0
    private var lastStreamID = HTTP2StreamID(0)
    private var quiescing = false
    private var idleTimer: Scheduled<Void>?

    init(idleTimeout: TimeAmount?) { self.idleTimeout = idleTimeout }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        armIdleTimer()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        self.context = nil
    }

    /// A stream began (called on the connection's event loop).
    func streamOpened(_ id: HTTP2StreamID?) {
        openStreams += 1
        if let id, id > lastStreamID { lastStreamID = id }
        idleTimer?.cancel()
        idleTimer = nil
    }

    func streamClosed() {
        openStreams -= 1
        guard openStreams == 0 else { return }
        if quiescing { context?.close(promise: nil) } else { armIdleTimer() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard !quiescing else { return }
        quiescing = true
        // No new streams after the ones already begun; the open ones finish.
        let goaway = HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: lastStreamID, errorCode: .noError, opaqueData: nil))
        context.writeAndFlush(wrapOutboundOut(goaway), promise: nil)
        if openStreams == 0 { context.close(promise: nil) }
    }

    private func armIdleTimer() {
        guard let idleTimeout, let context, openStreams == 0 else { return }
        idleTimer?.cancel()
        let channel = context.channel
        idleTimer = context.eventLoop.scheduleTask(in: idleTimeout) { channel.close(promise: nil) }
    }
}
