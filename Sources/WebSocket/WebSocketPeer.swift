import NIOCore
import NIOWebSocket

/// A whole WebSocket message.
enum WebSocketMessage: Sendable {
    case text(ByteBuffer)
    case binary(ByteBuffer)

    var data: ByteBuffer {
        switch self {
        case .text(let b), .binary(let b): return b
        }
    }
}

/// How one connection's frames are limited and kept alive.
struct WebSocketLimits: Sendable {
    /// Largest message accepted from the peer (`max_message_size`): bigger → close 1009.
    var maxMessageSize: Int
    /// Messages longer than this leave in several frames (`write_buffer_size`).
    var fragmentSize: Int
    var pingPeriod: Duration
    /// The peer must have sent something (a pong at least) within this time.
    var readDeadline: Duration
    /// A write stuck this long closes the connection (`write_wait`).
    var writeWait: Duration
    /// Messages that may wait to be written before the peer counts as too
    /// slow and is closed (`message_buffer_size`).
    var outboundMessageLimit: Int

    /// How big a compressed message may arrive: deflate's worst case (stored
    /// blocks) is a little bigger than `maxMessageSize`.
    var maxCompressedSize: Int { maxMessageSize + maxMessageSize / 1000 + 1024 }
}

/// Why a connection ended, as its owner learns it.
struct WebSocketCloseInfo: Sendable {
    /// The close code sent or received, if a close frame was exchanged.
    var code: UInt16?
    var reason: String
}

/// One end of a WebSocket connection, as server (a client of the gateway)
/// or as client (the gateway's connection to a backend): assembles messages
/// from frames and checks them (RFC 6455: masking, opcodes, control frames,
/// UTF-8, close codes), answers pings, pings the peer, and closes with the
/// right code; with permessage-deflate negotiated, inflates what arrives
/// compressed and compresses what leaves. Lives on its channel's event loop;
/// owners reach it through `WebSocketConnection`.
final class WebSocketPeer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    enum Role { case server, client }

    struct Events: Sendable {
        var onMessage: @Sendable (WebSocketMessage) -> Void = { _ in }
        var onClose: @Sendable (WebSocketCloseInfo) -> Void = { _ in }
    }

    let role: Role
    let limits: WebSocketLimits
    let deflate: PerMessageDeflate?
    var events = Events()

    private var context: ChannelHandlerContext?
    private var assembling: (opcode: WebSocketOpcode, data: ByteBuffer, compressed: Bool)?
    private var closeSent = false
    private var closeInfo = WebSocketCloseInfo(code: nil, reason: "")
    private var closedReported = false
    private var lastRead = NIODeadline.now()
    private var pingTask: RepeatedTask?
    private var deadlineTask: Scheduled<Void>?
    private var writeWaitTask: Scheduled<Void>?
    private var pendingMessages = 0
    private var readsPaused = false
    private var readPending = false

    init(role: Role, limits: WebSocketLimits, deflate: PerMessageDeflate? = nil) {
        self.role = role
        self.limits = limits
        self.deflate = deflate
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { startTimers(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimers(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimers()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimers()
        reportClosed()
        context.fireChannelInactive()
    }

    private func reportClosed() {
        guard !closedReported else { return }
        closedReported = true
        let onClose = events.onClose
        // The owners' closures hold the session that holds this handler:
        // dropping them frees both once the connection is gone.
        events = Events()
        onClose(closeInfo)
    }

    private func startTimers(context: ChannelHandlerContext) {
        guard pingTask == nil else { return }
        lastRead = .now()
        let period = TimeAmount(limits.pingPeriod)
        let peer = NIOLoopBound(self, eventLoop: context.eventLoop)
        pingTask = context.eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            peer.value.sendControl(.ping, data: ByteBuffer())
        }
        armReadDeadline(context: context)
    }

    private func stopTimers() {
        pingTask?.cancel()
        pingTask = nil
        deadlineTask?.cancel()
        deadlineTask = nil
        writeWaitTask?.cancel()
        writeWaitTask = nil
    }

    /// Closes the connection when nothing was read for `readDeadline`.
    private func armReadDeadline(context: ChannelHandlerContext) {
        let at = lastRead + TimeAmount(limits.readDeadline)
        deadlineTask = context.eventLoop.assumeIsolated().scheduleTask(deadline: at) { [weak self] in
            guard let self, let context = self.context else { return }
            if NIODeadline.now() >= self.lastRead + TimeAmount(self.limits.readDeadline) {
                self.closeInfo.reason = "no answer within the pong wait"
                context.close(promise: nil)
            } else {
                self.armReadDeadline(context: context)
            }
        }
    }

    // MARK: reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        lastRead = .now()
        if frame.rsv2 || frame.rsv3 { return fail(1002, "reserved bits set without an extension") }
        // RSV1 marks a compressed message, on its first frame only.
        if frame.rsv1, deflate == nil || !(frame.opcode == .text || frame.opcode == .binary) {
            return fail(1002, deflate == nil ? "reserved bits set without an extension" : "RSV1 set on a frame that does not start a message")
        }
        switch role {
        case .server where frame.maskKey == nil: return fail(1002, "client frames must be masked")
        case .client where frame.maskKey != nil: return fail(1002, "server frames must not be masked")
        default: break
        }
        var payload = frame.maskKey == nil ? frame.data : frame.unmaskedData
        switch frame.opcode {
        case .continuation:
            guard var message = assembling else { return fail(1002, "continuation frame without a message") }
            assembling = nil
            let limit = message.compressed ? limits.maxCompressedSize : limits.maxMessageSize
            guard message.data.readableBytes + payload.readableBytes <= limit else { return fail(1009, "message too big") }
            message.data.writeBuffer(&payload)
            if frame.fin { deliver(message.opcode, message.data, compressed: message.compressed) } else { assembling = message }
        case .text, .binary:
            guard assembling == nil else { return fail(1002, "new message before the last one ended") }
            guard payload.readableBytes <= (frame.rsv1 ? limits.maxCompressedSize : limits.maxMessageSize) else { return fail(1009, "message too big") }
            if frame.fin { deliver(frame.opcode, payload, compressed: frame.rsv1) } else { assembling = (frame.opcode, payload, frame.rsv1) }
        case .ping:
            sendControl(.pong, data: payload)
        case .pong:
            break
        case .connectionClose:
            closeReceived(payload, context: context)
        default:
            fail(1002, "unknown opcode")
        }
    }

    private func deliver(_ opcode: WebSocketOpcode, _ data: ByteBuffer, compressed: Bool) {
        guard !closeSent, let context else { return }
        var data = data
        if compressed, let deflate {
            do {
                data = try deflate.decompress(data, limit: limits.maxMessageSize, allocator: context.channel.allocator)
            } catch is PerMessageDeflate.TooLarge {
                return fail(1009, "message too big")
            } catch {
                return fail(1007, "invalid compressed data")
            }
        }
        if opcode == .text {
            guard String(validating: data.readableBytesView, as: UTF8.self) != nil else { return fail(1007, "text message is not UTF-8") }
            events.onMessage(.text(data))
        } else {
            events.onMessage(.binary(data))
        }
    }

    private func closeReceived(_ payload: ByteBuffer, context: ChannelHandlerContext) {
        var payload = payload
        var code: UInt16?
        if payload.readableBytes == 1 { return fail(1002, "close frame with a one-byte body") }
        if let c = payload.readInteger(as: UInt16.self) {
            guard Self.isValidCloseCode(c) else { return fail(1002, "invalid close code \(c)") }
            code = c
        }
        guard let reason = String(validating: payload.readableBytesView, as: UTF8.self) else { return fail(1007, "close reason is not UTF-8") }
        if closeSent {
            context.close(promise: nil)
            return
        }
        closeInfo = WebSocketCloseInfo(code: code, reason: reason)
        closeSent = true
        var answer = context.channel.allocator.buffer(capacity: 2)
        if let code { answer.writeInteger(code) }
        context.writeAndFlush(wrapOutboundOut(frame(.connectionClose, answer, fin: true))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    /// Codes a peer may send (RFC 6455 §7.4, as the Autobahn suite checks them).
    static func isValidCloseCode(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: return true
        default: return false
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        switch error as? NIOWebSocketError {
        case .invalidFrameLength?: fail(1009, "message too big")
        case .some: fail(1002, "protocol error")
        case nil:
            closeInfo.reason = "\(error)"
            context.close(promise: nil)
        }
    }

    // MARK: writing

    /// Sends a message, in frames of at most `fragmentSize` bytes. A peer
    /// with `outboundMessageLimit` messages still unwritten is too slow: it is
    /// closed (1008) rather than let the gateway's memory grow.
    func send(_ message: WebSocketMessage, completion: (@Sendable (String?) -> Void)? = nil) {
        guard let context, !closeSent, context.channel.isActive else {
            completion?("connection closed")
            return
        }
        guard pendingMessages < limits.outboundMessageLimit else {
            completion?("too many messages waiting")
            return fail(1008, "too many messages waiting")
        }
        pendingMessages += 1
        var data = message.data
        var opcode: WebSocketOpcode = { if case .text = message { return .text } else { return .binary } }()
        var compressed = false
        // Every message, short ones too: RFC 7692 lets each message choose,
        // but clients in the wild (Autobahn's kosoku) expect what they sent
        // compressed to come back compressed, as gorilla and websockets do.
        if let deflate {
            data = deflate.compress(data, allocator: context.channel.allocator)
            compressed = true
        }

        let done = context.eventLoop.makePromise(of: Void.self)
        done.futureResult.assumeIsolated().whenComplete { [weak self] result in
            self?.pendingMessages -= 1
            if case .failure(let error) = result { completion?("\(error)") } else { completion?(nil) }
        }
        while data.readableBytes > limits.fragmentSize {
            let part = data.readSlice(length: limits.fragmentSize)!
            context.write(wrapOutboundOut(frame(opcode, part, fin: false, rsv1: compressed)), promise: nil)
            opcode = .continuation
            compressed = false
        }
        context.writeAndFlush(wrapOutboundOut(frame(opcode, data, fin: true, rsv1: compressed)), promise: done)
    }

    /// Starts the closing handshake; the connection closes when the peer
    /// answers, or after `writeWait` at the latest.
    func close(code: UInt16, reason: String) {
        guard let context, !closeSent else { return }
        closeSent = true
        closeInfo = WebSocketCloseInfo(code: code, reason: reason)
        var payload = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.writeInteger(code)
        payload.writeString(String(reason.utf8.prefix(123)) ?? "")
        context.writeAndFlush(wrapOutboundOut(frame(.connectionClose, payload, fin: true)), promise: nil)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: TimeAmount(min(limits.writeWait, .seconds(5)))) { channel.close(promise: nil) }
    }

    private func fail(_ code: UInt16, _ reason: String) {
        assembling = nil
        close(code: code, reason: reason)
    }

    private func sendControl(_ opcode: WebSocketOpcode, data: ByteBuffer) {
        guard let context, !closeSent else { return }
        context.writeAndFlush(wrapOutboundOut(frame(opcode, data, fin: true)), promise: nil)
    }

    private func frame(_ opcode: WebSocketOpcode, _ data: ByteBuffer, fin: Bool, rsv1: Bool = false) -> WebSocketFrame {
        WebSocketFrame(fin: fin, rsv1: rsv1, opcode: opcode, maskKey: role == .client ? .random() : nil, data: data)
    }

    /// A write that cannot leave for `writeWait` closes the connection.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeWaitTask?.cancel()
            writeWaitTask = nil
        } else if writeWaitTask == nil {
            let channel = context.channel
            writeWaitTask = context.eventLoop.scheduleTask(in: TimeAmount(limits.writeWait)) {
                if !channel.isWritable { channel.close(promise: nil) }
            }
        }
        context.fireChannelWritabilityChanged()
    }

    /// The server drains: clients are told it is going away (1001).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, role == .server {
            close(code: 1001, reason: "going away")
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: back-pressure on reading

    func pauseReading() { readsPaused = true }

    func resumeReading() {
        readsPaused = false
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused { readPending = true } else { context.read() }
    }
}

/// The thread-safe handle on a `WebSocketPeer`: calls hop to its event loop.
struct WebSocketConnection: Sendable {
    let channel: Channel
    private let peer: NIOLoopBound<WebSocketPeer>

    init(channel: Channel, peer: WebSocketPeer) {
        self.channel = channel
        self.peer = NIOLoopBound(peer, eventLoop: channel.eventLoop)
    }

    func send(_ message: WebSocketMessage, completion: (@Sendable (String?) -> Void)? = nil) {
        onLoop { $0.send(message, completion: completion) }
    }
    func close(code: UInt16, reason: String) { onLoop { $0.close(code: code, reason: reason) } }
    func pauseReading() { onLoop { $0.pauseReading() } }
    func resumeReading() { onLoop { $0.resumeReading() } }

    private func onLoop(_ body: @escaping @Sendable (WebSocketPeer) -> Void) {
        let peer = self.peer
        if channel.eventLoop.inEventLoop { body(peer.value) } else { channel.eventLoop.execute { body(peer.value) } }
    }
}
