import GatewayCore
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// A chat backend for the gateway's multiplexed WebSockets: it answers the
/// gateway's handshake (`{"msg":"KrakenD WS proxy starting"}`) with `OK`, then
/// relays every client message to the sender's room (the envelope's `url`,
/// e.g. /chat/lobby) as "<first 8 characters of its uuid>: <text>".
/// Connect and disconnect events carry no text and are not relayed.
enum ChatBackend {
    static func answer(_ request: IncomingRequest, channel: Channel) -> EventLoopFuture<UpgradeAnswer> {
        let upgrader = NIOWebSocketServerUpgrader(shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture([:]) },
                                                  upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() })
        return upgrader.buildUpgradeResponse(channel: channel, upgradeRequest: request.head, initialResponseHeaders: [:])
            .map { headers in
                .switchProtocols(headers: headers) { channel in
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(WebSocketFrameEncoder())
                    try sync.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
                    try sync.addHandler(WebSocketProtocolErrorHandler())
                    try sync.addHandler(ChatHandler())
                }
            }
            .flatMapErrorThrowing { _ in .refuse(status: .badRequest, headers: [:], body: nil) }
    }
}

/// One gateway connection to the chat: whole messages only (the gateway
/// sends its envelopes unfragmented).
final class ChatHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private var greeted = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let payload = frame.unmaskedData
        switch frame.opcode {
        case .text where !greeted:
            greeted = true
            send(#"OK"#, context: context)
        case .text:
            guard let reply = Self.reply(to: payload) else { return }
            send(reply, context: context)
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: payload)), promise: nil)
        case .connectionClose:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))).whenComplete { _ in
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    private func send(_ text: String, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text))), promise: nil)
    }

    /// The room's envelope for a client message; nil for events.
    static func reply(to payload: ByteBuffer) -> String? {
        guard case .object(let envelope)? = try? Value(json: String(buffer: payload)),
              case .string(let url)? = envelope["url"], case .string(let body)? = envelope["body"],
              case .string(let uuid)? = envelope["session"]?["uuid"],
              let bytes = GoBase64.decode(body), let text = String(validating: bytes, as: UTF8.self), !text.isEmpty
        else { return nil }
        let line = "\(uuid.prefix(8)): \(text)"
        return Value.object(["url": .string(url), "body": .string(GoBase64.encode(Array(line.utf8)))]).jsonString
    }
}
