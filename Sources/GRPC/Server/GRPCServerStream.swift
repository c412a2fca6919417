import GatewayCore
import NIOCore
import NIOHPACK
import NIOHTTP2

/// One gRPC call on one HTTP/2 stream of the gateway's port: reads the
/// request headers and length-prefixed messages, runs the method, writes the
/// answer's headers, messages and `grpc-status` trailers (or a trailers-only
/// answer when it fails before any message). Enforces the receive limit,
/// `grpc-timeout` and `grpc-encoding`.
final class GRPCServerStream: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let server: GRPCServer
    private let connection: ConnectionInfo
    private var reader: GRPCMessageReader
    private var requestHeaders = HPACKHeaders()
    private var path = ""
    private var method: GRPCServerMethod?
    private var deadline: NIODeadline?
    private var requestCompressed = false
    private var respondCompressed = false
    /// The unary request's message(s) as they arrived.
    private var messages: [ByteBuffer] = []
    private var streaming: (any GRPCStreamingHandler)?
    private var headersSent = false
    private var finished = false
    private var inputEnded = false
    private var timer: Scheduled<Void>?

    init(server: GRPCServer, connection: ConnectionInfo) {
        self.server = server
        self.connection = connection
        self.reader = GRPCMessageReader(maxMessageSize: server.limits.maxReceiveMessageSize)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let payload = unwrapInboundIn(data)
        switch payload {
        case .headers(let frame):
            if path.isEmpty && !finished {
                start(frame.headers, context: context)
            }
            if frame.endStream { endOfInput(context: context) }
        case .data(let frame):
            guard !finished, !inputEnded else { return }
            if case .byteBuffer(let bytes) = frame.data {
                do {
                    for message in try reader.append(bytes) {
                        deliver(message, context: context)
                        if finished { return }
                    }
                } catch GRPCMessageReader.Failure.tooLarge(let size, let limit) {
                    fail(.resourceExhausted, "grpc: received message larger than max (\(size) vs. \(limit))", context: context)
                    return
                } catch {
                    fail(.internal, "grpc: \(error)", context: context)
                    return
                }
            }
            if frame.endStream { endOfInput(context: context) }
        case .rstStream:
            // The client gave up on the call (cancelled, or its deadline passed).
            closeCall()
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closeCall()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        closeCall()
        context.close(promise: nil)
    }

    // MARK: the call

    private func start(_ headers: HPACKHeaders, context: ChannelHandlerContext) {
        requestHeaders = headers
        path = headers.first(name: ":path") ?? "/"
        guard headers.first(name: ":method") == "POST" else {
            respondHTTP(status: "405", context: context)
            return
        }
        let contentType = headers.first(name: "content-type") ?? ""
        let subtype = Self.trimmed(contentType.split(separator: ";", maxSplits: 1).first ?? "").lowercased()
        guard subtype == "application/grpc" || subtype == "application/grpc+proto" else {
            respondHTTP(status: "415", context: context)
            return
        }
        switch headers.first(name: "grpc-encoding")?.lowercased() {
        case nil, "identity": requestCompressed = false
        case "gzip": requestCompressed = true
        case let other?:
            fail(.unimplemented, "grpc: Decompressor is not installed for grpc-encoding \"\(other)\"", context: context,
                 extra: [("grpc-accept-encoding", GRPCServer.acceptEncoding)])
            return
        }
        // As grpc-go: the answer is compressed the way the request was, when the client reads it.
        respondCompressed = requestCompressed && (headers.first(name: "grpc-accept-encoding")?
            .split(separator: ",").contains { Self.trimmed($0) == "gzip" } ?? false)
        if let timeout = headers.first(name: "grpc-timeout") {
            guard let nanos = GRPCTimeout.nanoseconds(parsing: timeout[...]) else {
                fail(.internal, "grpc: malformed grpc-timeout \"\(timeout)\"", context: context)
                return
            }
            let deadline = NIODeadline.now() + .nanoseconds(nanos)
            self.deadline = deadline
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(deadline: deadline) {
                let (stream, context) = loopBound.value
                stream.fail(.deadlineExceeded, "context deadline exceeded", context: context)
            }
        }
        guard let method = server.method(path: path) else {
            fail(.unimplemented, server.unknownMethodMessage(path: path), context: context)
            return
        }
        self.method = method
        if case .streaming(let open) = method {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let call = GRPCStreamCall(
                eventLoop: context.eventLoop,
                send: { message in let (stream, context) = loopBound.value; stream.send(message, context: context) },
                finish: { status, message in let (stream, context) = loopBound.value; stream.finish(status, message, context: context) })
            streaming = open(call)
        }
    }

    private func deliver(_ message: GRPCMessageReader.Message, context: ChannelHandlerContext) {
        var bytes = message.bytes
        if message.compressed {
            guard requestCompressed else {
                fail(.internal, "grpc: compressed flag set with identity or empty encoding", context: context)
                return
            }
            do {
                let inflated = try GRPCGzip.inflate(Array(bytes.readableBytesView), limit: server.limits.maxReceiveMessageSize)
                bytes = context.channel.allocator.buffer(bytes: inflated)
            } catch GRPCGzip.Failure.tooLarge {
                fail(.resourceExhausted, "grpc: received message after decompression larger than max \(server.limits.maxReceiveMessageSize)", context: context)
                return
            } catch {
                fail(.internal, "grpc: failed to decompress the received message: \(error)", context: context)
                return
            }
        }
        if let streaming {
            streaming.received(bytes)
        } else {
            messages.append(bytes)
            if messages.count > 1 {
                fail(.internal, "grpc: client streaming protocol violation: a unary method takes one request message, got more", context: context)
            }
        }
    }

    private func endOfInput(context: ChannelHandlerContext) {
        guard !inputEnded else { return }
        inputEnded = true
        guard !finished, let method else { return }
        if reader.leftover > 0 {
            fail(.internal, "grpc: the request ended inside a message (\(reader.leftover) bytes of it arrived)", context: context)
            return
        }
        switch method {
        case .streaming:
            streaming?.inputEnded()
        case .unary(let run):
            guard messages.count == 1 else {
                fail(.internal, "grpc: half-closed without a request: a unary method takes one request message", context: context)
                return
            }
            let request = GRPCServerRequest(path: path, headers: requestHeaders, message: messages[0], deadline: deadline,
                                            connection: connection, eventLoop: context.eventLoop)
            messages = []
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            run(request).hop(to: context.eventLoop).whenComplete { result in
                let (stream, context) = loopBound.value
                switch result {
                case .success(let answer): stream.answer(answer, context: context)
                case .failure(let error): stream.fail(.internal, "\(error)", context: context)
                }
            }
        }
    }

    private func answer(_ answer: GRPCServerAnswer, context: ChannelHandlerContext) {
        guard !finished else { return }
        if let message = answer.message {
            sendHeaders(extra: answer.headers, context: context)
            // Headers, message and trailers leave in one flush.
            send(message, flush: false, context: context)
        }
        finish(answer.status, answer.statusMessage, trailers: answer.trailers, context: context)
    }

    private func fail(_ status: GRPCStatusCode, _ message: String, context: ChannelHandlerContext, extra: [(String, String)] = []) {
        finish(status, message, trailers: extra, context: context)
    }

    /// A header list item without the spaces around it.
    static func trimmed(_ item: Substring) -> Substring {
        var item = item
        while let c = item.first, c == " " || c == "\t" { item.removeFirst() }
        while let c = item.last, c == " " || c == "\t" { item.removeLast() }
        return item
    }

    // MARK: writing

    private func sendHeaders(extra: [(String, String)] = [], context: ChannelHandlerContext) {
        guard !headersSent else { return }
        headersSent = true
        var headers = HPACKHeaders([(":status", "200"), ("content-type", "application/grpc")])
        if respondCompressed { headers.add(name: "grpc-encoding", value: "gzip") }
        headers.add(name: "grpc-accept-encoding", value: GRPCServer.acceptEncoding)
        for (name, value) in extra { headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
    }

    private func send(_ message: ByteBuffer, flush: Bool = true, context: ChannelHandlerContext) {
        guard !finished else { return }
        sendHeaders(context: context)
        let framed: ByteBuffer
        if respondCompressed {
            let deflated = GRPCGzip.deflate(Array(message.readableBytesView))
            var out = context.channel.allocator.buffer(capacity: deflated.count + GRPCFraming.prefixLength)
            out.writeInteger(UInt8(1))
            out.writeInteger(UInt32(deflated.count))
            out.writeBytes(deflated)
            framed = out
        } else {
            framed = GRPCFraming.frame(message, allocator: context.channel.allocator)
        }
        context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(framed)))), promise: nil)
        if flush { context.flush() }
    }

    /// The status, as trailers, or as the whole answer when nothing was sent yet.
    private func finish(_ status: GRPCStatusCode, _ message: String, trailers extra: [(String, String)] = [], context: ChannelHandlerContext) {
        guard !finished else { return }
        var trailers = HPACKHeaders()
        if !headersSent {
            headersSent = true
            trailers.add(name: ":status", value: "200")
            trailers.add(name: "content-type", value: "application/grpc")
        }
        trailers.add(name: "grpc-status", value: String(status.rawValue))
        if !message.isEmpty { trailers.add(name: "grpc-message", value: GRPCPercentEncoding.encode(message)) }
        for (name, value) in extra { trailers.add(name: name, value: value) }
        endCall(with: trailers, context: context)
    }

    /// A request that is not gRPC at all: an HTTP status, as grpc-go answers.
    private func respondHTTP(status: String, context: ChannelHandlerContext) {
        headersSent = true
        endCall(with: HPACKHeaders([(":status", status)]), context: context)
    }

    private func endCall(with headers: HPACKHeaders, context: ChannelHandlerContext) {
        closeCall()
        let stillReading = !inputEnded
        context.write(wrapOutboundOut(.headers(.init(headers: headers, endStream: true))), promise: nil)
        // The client is still sending: nobody reads the rest, so the stream is
        // reset after the answer, with NO_ERROR so that clients keep the status
        // (PROTOCOL-HTTP2.md; CANCEL would turn it into CANCELLED).
        if stillReading {
            context.write(wrapOutboundOut(.rstStream(.noError)), promise: nil)
        }
        context.flush()
    }

    /// The call is over: no more writes, timer and handler released.
    private func closeCall() {
        guard !finished else { return }
        finished = true
        timer?.cancel()
        timer = nil
        if let streaming {
            self.streaming = nil
            streaming.closed()
        }
    }
}
